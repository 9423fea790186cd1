// SPDX-License-Identifier: GPL-2.0
/* Falconet live capture: syscall exit records in the scap event layout (v2 header, u16 lengths),
 * so the .NET side decodes live events with the same ScapEvent decoder as capture files.
 *
 * Attach points: tp_btf/sys_exit (all syscalls; the dispatcher looks at orig_ax), tp_btf/sys_enter
 * (only to remember execve filenames, which are gone once the new image is mapped) and
 * tp_btf/sched_process_exit (procexit). Arguments are read from the saved user registers at exit,
 * which x86-64 keeps intact for every traced syscall except a successful execve.
 *
 * Records are assembled in a per-CPU scratch area and copied into the ring buffer with
 * bpf_ringbuf_output, because their size is only known at the end. Every record the program tries
 * to emit counts as produced; rejected ones count as dropped, so userspace can check
 * produced == received + dropped. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "falconet_wire.generated.h"
#include "exit_file.h"
#include "exit_net.h"
#include "exit_proc.h"
#include "exit_misc.h"

char LICENSE[] SEC("license") = "GPL";

/* Common start of every sys_exit group program: settings, scratch and the syscall arguments. */
static __always_inline struct falconet_settings *prepare(struct fnet_writer *w, struct pt_regs *regs, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct falconet_settings *cfg = active_settings(pid_tgid >> 32);
	if (!cfg || !init_writer(w))
		return NULL;
	w->ret = ret;
	w->tid = (__u32)pid_tgid;
	w->args[0] = regs->di;
	w->args[1] = regs->si;
	w->args[2] = regs->dx;
	w->args[3] = regs->r10;
	w->args[4] = regs->r8;
	w->args[5] = regs->r9;
	return cfg;
}

#define GROUP_PROGRAM(group)                                                                \
	SEC("tp_btf/sys_exit")                                                              \
	int BPF_PROG(falconet_exit_##group, struct pt_regs *regs, long ret)                 \
	{                                                                                   \
		struct fnet_writer w = {};                                                  \
		struct falconet_settings *cfg = prepare(&w, regs, ret);                     \
		if (!cfg)                                                                   \
			return 0;                                                           \
		if (handle_##group(&w, regs->orig_ax, cfg))                                \
			submit(&w, w.tid, cfg);                                             \
		return 0;                                                                   \
	}

GROUP_PROGRAM(file)
GROUP_PROGRAM(fileops)
GROUP_PROGRAM(net)
GROUP_PROGRAM(netio)
GROUP_PROGRAM(proc)
GROUP_PROGRAM(exec)
GROUP_PROGRAM(misc)

/* Syscall groups, each verified as its own program and reached by tail call from the dispatcher. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, GROUP_COUNT);
	__type(key, __u32);
	__array(values, int(void *));
} exit_groups SEC(".maps") = {
	.values = {
		[GROUP_FILE] = (void *)&falconet_exit_file,
		[GROUP_FILEOPS] = (void *)&falconet_exit_fileops,
		[GROUP_NET] = (void *)&falconet_exit_net,
		[GROUP_NETIO] = (void *)&falconet_exit_netio,
		[GROUP_PROC] = (void *)&falconet_exit_proc,
		[GROUP_EXEC] = (void *)&falconet_exit_exec,
		[GROUP_MISC] = (void *)&falconet_exit_misc,
	},
};

SEC("tp_btf/sys_enter")
int BPF_PROG(falconet_sys_enter, struct pt_regs *regs, long id)
{
	if (id != NR_execve && id != NR_execveat)
		return 0;
	if (slot_mode((__u32)id) == MODE_OFF)
		return 0;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	if (!active_settings(pid_tgid >> 32))
		return 0;
	__u32 cpu = bpf_get_smp_processor_id();
	struct scratch_area *area = bpf_map_lookup_elem(&scratch, &cpu);
	if (!area)
		return 0;
	__u64 uptr = id == NR_execve ? regs->di : regs->si;
	long n = bpf_probe_read_user_str(area->path, STR_MAX, (const void *)uptr);
	if (n <= 0)
		return 0;
	__u32 tid = (__u32)pid_tgid;
	bpf_map_update_elem(&exec_names, &tid, area->path, BPF_ANY);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(falconet_sys_exit, struct pt_regs *regs, long ret)
{
	long nr = regs->orig_ax;
	if (nr < 0 || nr >= FALCONET_SLOT_PROCEXIT)
		return 0;
	__u8 mode = slot_mode((__u32)nr);
	if (mode == MODE_OFF)
		return 0;
	/* a dns-only syscall that received nothing has nothing to observe */
	if (mode == MODE_DNS_ONLY && ret <= 0)
		return 0;
	/* 32-bit (ia32) syscalls use another numbering: not decoded, skipped */
	struct task_struct *task = bpf_get_current_task_btf();
	if (task->thread_info.status & 0x0002 /* TS_COMPAT */)
		return 0;
	if (!active_settings(bpf_get_current_pid_tgid() >> 32))
		return 0;
	int group = falconet_group_of(nr);
	if (group < 0)
		return 0;
	bpf_tail_call(ctx, &exit_groups, group);
	/* only reached if the tail call failed */
	struct falconet_stats *st = get_stats();
	if (st) {
		__sync_fetch_and_add(&st->produced, 1);
		__sync_fetch_and_add(&st->dropped_other, 1);
	}
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(falconet_process_exit, struct task_struct *task)
{
	if (slot_mode(FALCONET_SLOT_PROCEXIT) == MODE_OFF)
		return 0;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct falconet_settings *cfg = active_settings(pid_tgid >> 32);
	if (!cfg)
		return 0;
	struct fnet_writer w = {};
	if (!init_writer(&w))
		return 0;
	int code = BPF_CORE_READ(task, exit_code);
	int sig = code & 0x7f;
	w_begin(&w, T_PROCEXIT_1_E, NP_PROCEXIT_1_E);
	w_u64(&w, code);                              /* status */
	w_u64(&w, sig == 0 ? (code >> 8) & 0xff : 0); /* ret */
	w_u8(&w, (__u8)sig);                          /* sig */
	w_u8(&w, (code & 0x80) ? 1 : 0);              /* core */
	w_empty(&w);                                  /* reaper_tid: left to userspace */
	submit(&w, (__u32)pid_tgid, cfg);
	return 0;
}

