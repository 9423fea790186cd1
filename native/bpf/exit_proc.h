/* Group programs "proc" (clone family) and "exec" (execve family). */
#ifndef FALCONET_EXIT_PROC_H
#define FALCONET_EXIT_PROC_H

#include "falconet_task.h"

/* Common tail of clone/fork/vfork/clone3 exit events: they share the CLONE_20_X layout. */
_Static_assert(NP_FORK_20_X == NP_CLONE_20_X && NP_VFORK_20_X == NP_CLONE_20_X && NP_CLONE3_X == NP_CLONE_20_X,
	       "the clone family shares one layout");
static __always_inline void emit_clone(struct fnet_writer *w, __u16 type, __u64 raw_flags, int have_flags)
{
	struct task_struct *t = w->task;
	w_begin(w, type, NP_CLONE_20_X);
	w_u64(w, w->ret);                                   /* res */
	w_exe_and_args(w, t);                               /* exe, args */
	w_u64(w, BPF_CORE_READ(t, pid));                    /* tid */
	w_u64(w, BPF_CORE_READ(t, tgid));                   /* pid */
	w_u64(w, BPF_CORE_READ(t, real_parent, pid));       /* ptid */
	w_empty(w);                                         /* cwd: inherited from the parent */
	w_u64(w, task_fdlimit(t));                          /* fdlimit */
	w_mm_counters(w, t);                                /* pgft_maj, pgft_min, vm_size, vm_rss, vm_swap */
	w_comm(w, t);                                       /* comm */
	w_cgroups(w, t);                                    /* cgroups */
	__u32 flags = have_flags ? clone_flags_to_ppm(raw_flags) : 0;
	if (task_pidns_level(t) > 0)
		flags |= PPM_CL_CHILD_IN_PIDNS;
	w_u32(w, flags);                                    /* flags */
	w_u32(w, BPF_CORE_READ(t, cred, euid.val));         /* uid */
	w_u32(w, BPF_CORE_READ(t, cred, egid.val));         /* gid */
	w_u64(w, (__s64)task_vtid(t));                      /* vtid */
	w_u64(w, (__s64)task_vpid(t));                      /* vpid */
	w_empty(w);                                         /* pidns_init_start_ts: not collected */
}

static __always_inline void emit_execve(struct fnet_writer *w, __u16 type, __u32 tid)
{
	struct task_struct *t = w->task;
	int with_filename = type == T_EXECVE_19_X;
	w_begin(w, type, with_filename ? NP_EXECVE_19_X : NP_EXECVEAT_X);
	w_u64(w, w->ret);                                   /* res */
	w_exe_and_args(w, t);                               /* exe, args */
	w_u64(w, BPF_CORE_READ(t, pid));                    /* tid */
	w_u64(w, BPF_CORE_READ(t, tgid));                   /* pid */
	w_u64(w, BPF_CORE_READ(t, real_parent, pid));       /* ptid */
	w_cwd(w, t);                                        /* cwd */
	w_u64(w, task_fdlimit(t));                          /* fdlimit */
	w_mm_counters(w, t);                                /* pgft_maj .. vm_swap */
	w_comm(w, t);                                       /* comm */
	w_cgroups(w, t);                                    /* cgroups */
	w_env(w, t);                                        /* env */
	w_u32(w, task_tty(t));                              /* tty */
	w_u64(w, task_pgid(t, 1));                          /* vpgid */
	w_u32(w, BPF_CORE_READ(t, loginuid.val));           /* loginuid */
	w_empty(w);                                         /* flags (PPM_EXE_*): not collected */
	w_u64(w, BPF_CORE_READ(t, cred, cap_inheritable.val));
	w_u64(w, BPF_CORE_READ(t, cred, cap_permitted.val));
	w_u64(w, BPF_CORE_READ(t, cred, cap_effective.val));
	struct inode *ino = BPF_CORE_READ(t, mm, exe_file, f_inode);
	if (ino) {
		w_u64(w, BPF_CORE_READ(ino, i_ino));
		w_u64(w, BPF_CORE_READ(ino, i_ctime_sec) * 1000000000ULL + BPF_CORE_READ(ino, i_ctime_nsec));
		w_u64(w, BPF_CORE_READ(ino, i_mtime_sec) * 1000000000ULL + BPF_CORE_READ(ino, i_mtime_nsec));
	} else {
		w_empty(w);
		w_empty(w);
		w_empty(w);
	}
	w_u32(w, BPF_CORE_READ(t, cred, euid.val));         /* uid */
	w_exe_path(w, t);                                   /* trusted_exepath */
	w_u64(w, task_pgid(t, 0));                          /* pgid */
	w_u32(w, BPF_CORE_READ(t, cred, egid.val));         /* gid */
	if (with_filename) {
		struct exec_name *en = bpf_map_lookup_elem(&exec_names, &tid);
		if (en)
			w_kernel_str(w, en->name, STR_MAX);
		else
			w_empty(w);
	}
	bpf_map_delete_elem(&exec_names, &tid);
}


static __always_inline int handle_proc(struct fnet_writer *w, long nr, struct falconet_settings *cfg)
{
	struct sock *sk;
	(void)sk;
	(void)cfg;
	switch (nr) {
	case NR_clone:
		emit_clone(w, T_CLONE_20_X, w->args[0], 1);
		break;
	case NR_fork:
		emit_clone(w, T_FORK_20_X, 0, 0);
		break;
	case NR_vfork:
		emit_clone(w, T_VFORK_20_X, 0x00000100 | 0x00004000, 1); /* CLONE_VM | CLONE_VFORK */
		break;
	case NR_clone3: {
		__u64 cflags = 0;
		bpf_probe_read_user(&cflags, sizeof(cflags), (const void *)w->args[0]);
		emit_clone(w, T_CLONE3_X, cflags, 1);
		break;
	}
	default:
		return 0;
	}
	return 1;
}

static __always_inline int handle_exec(struct fnet_writer *w, long nr, struct falconet_settings *cfg)
{
	struct sock *sk;
	(void)sk;
	(void)cfg;
	switch (nr) {
	case NR_execve:
		emit_execve(w, T_EXECVE_19_X, w->tid);
		break;
	case NR_execveat:
		emit_execve(w, T_EXECVEAT_X, w->tid);
		break;

	default:
		return 0;
	}
	return 1;
}

#endif
