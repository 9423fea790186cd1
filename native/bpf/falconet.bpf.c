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
#include "falconet_maps.h"
#include "falconet_flags.h"

char LICENSE[] SEC("license") = "GPL";

/* ---- sizes ---------------------------------------------------------------------------- */
#define HDR_SIZE 26
#define MAX_PARAMS 32
/* An event is built in [0, EVT_HALF); every write is masked into that window and is at most
 * EVT_HALF long, so the verifier can prove it stays inside the 2*EVT_HALF scratch area. */
#define EVT_HALF 32768
#define EVT_MASK (EVT_HALF - 1)
#define STR_MAX 4096
#define ARGS_MAX 4096
#define PATH_TMP 4096
#define PATH_MASK (PATH_TMP - 1)
#define PATH_COMPONENTS 40
#define IOV_MAX_READ 8

#define S_IFMT_ 0170000
#define S_IFSOCK_ 0140000
#define AF_UNIX_ 1
#define AF_INET_ 2
#define AF_INET6_ 10
#define FMODE_CREATED_ 0x100000
#define EINPROGRESS_ 115

/* ---- event type ids (current libs event table) ------------------------------------------ */
enum {
	T_OPEN_X = 3, T_CLOSE_X = 5, T_SOCKET_X = 19, T_BIND_X = 21, T_CONNECT_X = 23, T_LISTEN_X = 25,
	T_SENDTO_X = 31, T_RECVFROM_X = 35, T_SHUTDOWN_X = 37, T_SOCKETPAIR_X = 43, T_SENDMSG_X = 49,
	T_RECVMSG_X = 53, T_CREAT_X = 59, T_PIPE_X = 61, T_PTRACE_X = 169, T_RENAME_X = 175,
	T_RENAMEAT_X = 177, T_SYMLINK_X = 179, T_SYMLINKAT_X = 181, T_PROCEXIT_1_E = 186,
	T_SETRESUID_X = 193, T_SETRESGID_X = 195, T_SETUID_X = 199, T_SETGID_X = 201,
	T_CLONE_20_X = 223, T_FORK_20_X = 225, T_VFORK_20_X = 227, T_SETNS_X = 241, T_ACCEPT_5_X = 247,
	T_MOUNT_X = 257, T_MKDIR_2_X = 277, T_RMDIR_2_X = 279, T_UNSHARE_X = 285, T_EXECVE_19_X = 293,
	T_UNLINK_2_X = 301, T_UNLINKAT_2_X = 303, T_MKDIRAT_X = 305, T_OPENAT_2_X = 307, T_LINK_2_X = 309,
	T_LINKAT_2_X = 311, T_FCHMODAT_X = 313, T_CHMOD_X = 315, T_FCHMOD_X = 317, T_RENAMEAT2_X = 319,
	T_OPENAT2_X = 327, T_EXECVEAT_X = 331, T_CLONE3_X = 335, T_DUP2_X = 363, T_DUP3_X = 365,
	T_DUP_1_X = 367, T_ACCEPT4_6_X = 389, T_UMOUNT2_X = 391, T_PIPE2_X = 393, T_MEMFD_CREATE_X = 405,
	T_SETREUID_X = 427, T_SETREGID_X = 429,
};

/* ---- x86-64 syscall numbers ------------------------------------------------------------- */
enum {
	NR_open = 2, NR_close = 3, NR_pipe = 22, NR_dup = 32, NR_dup2 = 33, NR_socket = 41, NR_connect = 42,
	NR_accept = 43, NR_sendto = 44, NR_recvfrom = 45, NR_sendmsg = 46, NR_recvmsg = 47,
	NR_shutdown = 48, NR_bind = 49, NR_listen = 50, NR_socketpair = 53, NR_clone = 56, NR_fork = 57,
	NR_vfork = 58, NR_execve = 59, NR_rename = 82, NR_mkdir = 83, NR_rmdir = 84, NR_creat = 85,
	NR_link = 86, NR_unlink = 87, NR_symlink = 88, NR_chmod = 90, NR_fchmod = 91, NR_ptrace = 101,
	NR_setuid = 105, NR_setgid = 106, NR_setreuid = 113, NR_setregid = 114, NR_setresuid = 117,
	NR_setresgid = 119, NR_mount = 165, NR_umount2 = 166, NR_openat = 257, NR_mkdirat = 258,
	NR_unlinkat = 263, NR_renameat = 264, NR_linkat = 265, NR_symlinkat = 266, NR_fchmodat = 268,
	NR_unshare = 272, NR_accept4 = 288, NR_dup3 = 292, NR_pipe2 = 293, NR_setns = 308,
	NR_renameat2 = 316, NR_memfd_create = 319, NR_execveat = 322, NR_clone3 = 435, NR_openat2 = 437,
};

/* ---- maps ------------------------------------------------------------------------------- */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 * 1024 * 1024); /* the loader may resize before load */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FALCONET_ENABLE_SLOTS);
	__type(key, __u32);
	__type(value, __u8);
} syscall_enabled SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct falconet_settings);
} settings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct falconet_stats);
} stats SEC(".maps");

struct scratch_area {
	__u8 evt[2 * EVT_HALF];
	__u8 path[2 * PATH_TMP];
};

/* Per-CPU scratch, too large for a per-CPU array (32 KiB value limit): a plain array indexed by
 * CPU id; the loader sets max_entries to the number of possible CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch_area);
} scratch SEC(".maps");

struct exec_name {
	char name[STR_MAX];
};

/* execve filename remembered at sys_enter, keyed by thread id; LRU so a thread that dies inside
 * execve cannot leak an entry forever. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct exec_name);
} exec_names SEC(".maps");

/* ---- record writer ---------------------------------------------------------------------- */
struct fnet_writer {
	__u8 *buf;      /* scratch_area.evt */
	__u8 *tmp;      /* scratch_area.path */
	__u64 off;      /* next value offset */
	__u64 idx;      /* next parameter index */
	__u64 nparams;
	__u64 args[6];
	long ret;
	__u32 tid;
	struct task_struct *task;
};

static __always_inline void w_begin(struct fnet_writer *w, __u16 type, __u32 nparams)
{
	w->idx = 0;
	w->nparams = nparams;
	w->off = HDR_SIZE + 2 * nparams;
	*(__u16 *)&w->buf[20] = type;
	*(__u32 *)&w->buf[22] = nparams;
}

static __always_inline void w_commit(struct fnet_writer *w, __u32 len)
{
	__u64 i = w->idx;
	if (i < MAX_PARAMS && i < w->nparams) {
		*(__u16 *)&w->buf[(HDR_SIZE + 2 * i) & 0xff] = (__u16)len;
		w->idx = i + 1;
		w->off += len;
	}
}

static __always_inline __u8 *w_ptr(struct fnet_writer *w)
{
	return &w->buf[w->off & EVT_MASK];
}

static __always_inline int w_room(struct fnet_writer *w, __u64 need)
{
	return w->off + need <= EVT_HALF;
}

static __always_inline void w_empty(struct fnet_writer *w) { w_commit(w, 0); }

static __always_inline void w_u8(struct fnet_writer *w, __u8 v)
{
	if (!w_room(w, 1)) { w_empty(w); return; }
	*w_ptr(w) = v;
	w_commit(w, 1);
}

static __always_inline void w_u16(struct fnet_writer *w, __u16 v)
{
	if (!w_room(w, 2)) { w_empty(w); return; }
	*(__u16 *)w_ptr(w) = v;
	w_commit(w, 2);
}

static __always_inline void w_u32(struct fnet_writer *w, __u32 v)
{
	if (!w_room(w, 4)) { w_empty(w); return; }
	*(__u32 *)w_ptr(w) = v;
	w_commit(w, 4);
}

static __always_inline void w_u64(struct fnet_writer *w, __u64 v)
{
	if (!w_room(w, 8)) { w_empty(w); return; }
	*(__u64 *)w_ptr(w) = v;
	w_commit(w, 8);
}

/* PT_DYN with index 0 (u64 variant) */
static __always_inline void w_dyn_u64(struct fnet_writer *w, __u64 v)
{
	if (!w_room(w, 9)) { w_empty(w); return; }
	__u8 *p = w_ptr(w);
	p[0] = 0;
	*(__u64 *)&p[1] = v;
	w_commit(w, 9);
}

/* NUL-terminated user string (CHARBUF/FSPATH); unreadable or NULL pointer = absent. */
static __always_inline void w_user_str(struct fnet_writer *w, __u64 uptr)
{
	if (!uptr || !w_room(w, STR_MAX)) { w_empty(w); return; }
	long n = bpf_probe_read_user_str(w_ptr(w), STR_MAX, (const void *)uptr);
	w_commit(w, n > 0 ? n : 0);
}

static __always_inline void w_kernel_str(struct fnet_writer *w, const void *kptr, __u32 max_const)
{
	if (!kptr || !w_room(w, STR_MAX)) { w_empty(w); return; }
	long n = bpf_probe_read_kernel_str(w_ptr(w), STR_MAX, kptr);
	w_commit(w, n > 0 ? n : 0);
}

/* Clamp a variable length so the verifier sees a bounded, non-negative size. */
static __always_inline __u32 clamp_len(struct fnet_writer *w, __u64 n, __u32 limit)
{
	if (n > limit)
		n = limit;
	if (w->off >= EVT_HALF)
		return 0;
	if (n > EVT_HALF - w->off)
		n = EVT_HALF - w->off;
	__u32 m = (__u32)n;
	asm volatile("" : "+r"(m));
	return m & EVT_MASK;
}

/* Raw user bytes (BYTEBUF): n bytes, truncated to limit. */
static __always_inline void w_user_bytes(struct fnet_writer *w, __u64 uptr, __u64 n, __u32 limit)
{
	__u32 len = clamp_len(w, n, limit);
	if (!uptr || len == 0) { w_empty(w); return; }
	if (bpf_probe_read_user(w_ptr(w), len, (const void *)uptr) != 0) { w_empty(w); return; }
	w_commit(w, len);
}

/* ---- task helpers ----------------------------------------------------------------------- */
static __always_inline struct file *fd_to_file(struct task_struct *t, long fd)
{
	if (fd < 0)
		return NULL;
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	if (!fdt)
		return NULL;
	unsigned int max = BPF_CORE_READ(fdt, max_fds);
	if ((unsigned long)fd >= max)
		return NULL;
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f = NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

static __always_inline struct sock *file_to_sock(struct file *f)
{
	if (!f)
		return NULL;
	umode_t mode = BPF_CORE_READ(f, f_inode, i_mode);
	if ((mode & S_IFMT_) != S_IFSOCK_)
		return NULL;
	struct socket *s = BPF_CORE_READ(f, private_data);
	return BPF_CORE_READ(s, sk);
}

static __always_inline __s32 pid_nr_at_level(struct pid *pid)
{
	if (!pid)
		return 0;
	unsigned int level = BPF_CORE_READ(pid, level);
	struct upid up = {};
	bpf_probe_read_kernel(&up, sizeof(up), &pid->numbers[level & 31]);
	return up.nr;
}

static __always_inline __s32 task_vtid(struct task_struct *t)
{
	return pid_nr_at_level(BPF_CORE_READ(t, thread_pid));
}

static __always_inline __s32 task_vpid(struct task_struct *t)
{
	return pid_nr_at_level(BPF_CORE_READ(t, group_leader, thread_pid));
}

static __always_inline unsigned int task_pidns_level(struct task_struct *t)
{
	return BPF_CORE_READ(t, thread_pid, level);
}

/* ---- path building ---------------------------------------------------------------------- */
/* Walks dentries up to the global root (crossing mounts) writing components backwards into the
 * per-CPU tmp area, then copies the result into the record as a FSPATH. Truncated at
 * PATH_COMPONENTS components or PATH_TMP bytes (the deepest components are kept). One step per
 * bpf_loop iteration, so the verifier checks the step once instead of every unrolled path. */
struct path_walk {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	__u32 pos;
};

static long path_step(__u32 index, struct path_walk *pw)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct scratch_area *area = bpf_map_lookup_elem(&scratch, &cpu);
	if (!area)
		return 1;
	struct dentry *dentry = pw->dentry;
	struct vfsmount *vfsmnt = pw->vfsmnt;
	struct mount *mnt = pw->mnt;
	struct dentry *mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
	struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
	if (dentry == mnt_root || dentry == parent) {
		struct mount *mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
		if (dentry != mnt_root || mnt_parent == mnt || !mnt_parent)
			return 1;
		pw->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		pw->mnt = mnt_parent;
		pw->vfsmnt = (struct vfsmount *)((char *)mnt_parent + bpf_core_field_offset(struct mount, mnt));
		return 0;
	}
	__u32 len = BPF_CORE_READ(dentry, d_name.len);
	const unsigned char *name = BPF_CORE_READ(dentry, d_name.name);
	__u32 pos = pw->pos;
	len &= 0xff;
	if (pos > PATH_TMP || len + 1 > pos)
		return 1;
	pos -= len;
	bpf_probe_read_kernel(&area->path[pos & PATH_MASK], len, name);
	pos -= 1;
	area->path[pos & PATH_MASK] = '/';
	pw->pos = pos;
	pw->dentry = parent;
	return 0;
}

/* A global (not inlined) function is verified once on its own, not once per caller state:
 * callers differ in many ways (record offsets), which made the walk too costly to verify inline.
 * Leaves the path in the per-CPU tmp area and returns where it starts. */
__noinline int walk_path_into_tmp(__u64 dentry, __u64 vfsmnt)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct scratch_area *area = bpf_map_lookup_elem(&scratch, &cpu);
	if (!area || !dentry || !vfsmnt)
		return -1;
	struct path_walk pw = {
		.dentry = (struct dentry *)dentry,
		.vfsmnt = (struct vfsmount *)vfsmnt,
		.mnt = (struct mount *)((char *)vfsmnt - bpf_core_field_offset(struct mount, mnt)),
		.pos = PATH_TMP - 1,
	};
	area->path[PATH_MASK] = 0;
	bpf_loop(PATH_COMPONENTS, path_step, &pw, 0);
	__u32 pos = pw.pos;
	if (pos >= PATH_TMP - 1) {
		pos = PATH_TMP - 2;
		area->path[pos & PATH_MASK] = '/';
	}
	return pos & PATH_MASK;
}

static __always_inline void w_path(struct fnet_writer *w, struct dentry *dentry, struct vfsmount *vfsmnt)
{
	if (!dentry || !vfsmnt || !w_room(w, PATH_TMP)) { w_empty(w); return; }
	int start = walk_path_into_tmp((__u64)dentry, (__u64)vfsmnt);
	if (start < 0) { w_empty(w); return; }
	__u32 pos = start & PATH_MASK;
	__u32 len = PATH_TMP - pos;
	asm volatile("" : "+r"(len));
	len &= PATH_MASK;
	if (len == 0) { w_empty(w); return; }
	bpf_probe_read_kernel(w_ptr(w), len, &w->tmp[pos]);
	w_commit(w, len);
}

/* ---- cgroups --------------------------------------------------------------------------- */
/* kernfs_node.parent was renamed __parent in 6.15: both flavours, resolved by CO-RE. */
struct kernfs_node___new {
	struct kernfs_node *__parent;
} __attribute__((preserve_access_index));

struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kernfs_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(((struct kernfs_node___new *)0)->__parent))
		return BPF_CORE_READ((struct kernfs_node___new *)kn, __parent);
	return BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
}

#define CGROUP_OUT_MAX 4096   /* cgroups text is built in path[0, 4096) */
#define CGROUP_REV_BASE 4096  /* one cgroup path is walked backwards in path[4096, 4096 + 2048) */
#define CGROUP_REV_SIZE 2048
#define CGROUP_REV_MASK (CGROUP_REV_SIZE - 1)
#define CGROUP_REV_END (CGROUP_REV_BASE + CGROUP_REV_SIZE - 1)
#define CGROUP_DEPTH 16
#define CGROUP_NAME_MAX 128

struct cgroup_walk {
	__u64 task;
	__u32 out;
};

/* One "subsys=path\0" entry per controller of the task's css_set. */
static long cgroup_step(__u32 index, struct cgroup_walk *cw)
{
	if (index >= CGROUP_SUBSYS_COUNT)
		return 1;
	__u32 cpu = bpf_get_smp_processor_id();
	struct scratch_area *area = bpf_map_lookup_elem(&scratch, &cpu);
	if (!area)
		return 1;
	struct task_struct *t = (struct task_struct *)cw->task;
	struct css_set *cs = BPF_CORE_READ(t, cgroups);
	struct cgroup_subsys_state *css = NULL;
	bpf_probe_read_kernel(&css, sizeof(css), &cs->subsys[index]);
	if (!css)
		return 0;
	const char *ss_name = BPF_CORE_READ(css, ss, name);
	struct kernfs_node *kn = BPF_CORE_READ(css, cgroup, kn);
	__u32 pos = CGROUP_REV_END;
	area->path[CGROUP_REV_END] = 0;
	char component[CGROUP_NAME_MAX];
	for (int depth = 0; depth < CGROUP_DEPTH; depth++) {
		struct kernfs_node *parent = kn ? kernfs_parent(kn) : NULL;
		if (!parent)
			break; /* the root's own name is not part of the path */
		const char *name = BPF_CORE_READ(kn, name);
		long n = bpf_probe_read_kernel_str(component, sizeof(component), name);
		if (n <= 1)
			break;
		__u32 len = (__u32)(n - 1) & (CGROUP_NAME_MAX - 1);
		if (pos < CGROUP_REV_BASE + len + 1)
			break;
		pos -= len;
		bpf_probe_read_kernel(&area->path[CGROUP_REV_BASE + ((pos - CGROUP_REV_BASE) & CGROUP_REV_MASK)], len, component);
		pos -= 1;
		area->path[CGROUP_REV_BASE + ((pos - CGROUP_REV_BASE) & CGROUP_REV_MASK)] = '/';
		kn = parent;
	}
	if (pos == CGROUP_REV_END) {
		pos -= 1;
		area->path[CGROUP_REV_END - 1] = '/';
	}
	__u32 path_len = CGROUP_REV_END + 1 - pos; /* including the NUL */
	__u32 out = cw->out;
	if (out + 32 + path_len > CGROUP_OUT_MAX)
		return 1;
	long m = bpf_probe_read_kernel_str(&area->path[out & (CGROUP_OUT_MAX - 1)], 32, ss_name);
	if (m <= 1)
		return 0;
	out += m - 1;
	area->path[out & (CGROUP_OUT_MAX - 1)] = '=';
	out += 1;
	path_len &= CGROUP_REV_MASK;
	bpf_probe_read_kernel(&area->path[out & (CGROUP_OUT_MAX - 1)], path_len,
			      &area->path[CGROUP_REV_BASE + ((pos - CGROUP_REV_BASE) & CGROUP_REV_MASK)]);
	cw->out = out + path_len;
	return 0;
}

/* Global function: verified once. Leaves the cgroups list at path[0] and returns its length. */
__noinline int write_cgroups_into_tmp(int unused)
{
	/* always the current task: a trusted task pointer cannot be passed to a global function */
	struct cgroup_walk cw = { .task = bpf_get_current_task(), .out = 0 };
	bpf_loop(CGROUP_SUBSYS_COUNT, cgroup_step, &cw, 0);
	return cw.out & (CGROUP_OUT_MAX - 1);
}

static __always_inline void w_cgroups(struct fnet_writer *w, struct task_struct *t)
{
	if (!w_room(w, CGROUP_OUT_MAX)) { w_empty(w); return; }
	(void)t;
	__u32 len = write_cgroups_into_tmp(0);
	asm volatile("" : "+r"(len));
	len &= CGROUP_OUT_MAX - 1;
	if (len == 0) { w_empty(w); return; }
	bpf_probe_read_kernel(w_ptr(w), len, w->tmp);
	w_commit(w, len);
}

/* ---- sockets ---------------------------------------------------------------------------- */
/* PT_SOCKADDR from a user sockaddr. */
static __always_inline void w_user_sockaddr(struct fnet_writer *w, __u64 uptr, __u64 ulen)
{
	if (!uptr || ulen < 2 || !w_room(w, 128)) { w_empty(w); return; }
	__u16 family = 0;
	bpf_probe_read_user(&family, sizeof(family), (const void *)uptr);
	__u8 *p = w_ptr(w);
	if (family == AF_INET_) {
		struct sockaddr_in sin = {};
		bpf_probe_read_user(&sin, sizeof(sin), (const void *)uptr);
		p[0] = AF_INET_;
		*(__u32 *)&p[1] = sin.sin_addr.s_addr;
		*(__u16 *)&p[5] = bpf_ntohs(sin.sin_port);
		w_commit(w, 7);
	} else if (family == AF_INET6_) {
		struct sockaddr_in6 sin6 = {};
		bpf_probe_read_user(&sin6, sizeof(sin6), (const void *)uptr);
		p[0] = AF_INET6_;
		__builtin_memcpy(&p[1], &sin6.sin6_addr, 16);
		*(__u16 *)&p[17] = bpf_ntohs(sin6.sin6_port);
		w_commit(w, 19);
	} else if (family == AF_UNIX_) {
		__u8 first = 0;
		bpf_probe_read_user(&first, 1, (const void *)(uptr + 2));
		/* abstract names lose their leading NUL */
		__u64 path = uptr + 2 + (first == 0 ? 1 : 0);
		p[0] = AF_UNIX_;
		long n = bpf_probe_read_user_str(&p[1], 109, (const void *)path);
		if (n <= 0) {
			p[1] = 0;
			n = 1;
		}
		w_commit(w, 1 + n);
	} else {
		w_empty(w);
	}
}

/* The path of a unix socket: its own bound name, else its peer's. */
static __always_inline long unix_path(__u8 *dst, struct unix_sock *us, struct unix_sock *peer)
{
	struct unix_address *addr = BPF_CORE_READ(us, addr);
	if (!addr && peer)
		addr = BPF_CORE_READ(peer, addr);
	if (!addr)
		return 0;
	int alen = BPF_CORE_READ(addr, len);
	if (alen <= 2)
		return 0;
	char *sun_path = (char *)addr + bpf_core_field_offset(struct unix_address, name) + 2;
	char first = 0;
	bpf_probe_read_kernel(&first, 1, sun_path);
	if (first == 0)
		sun_path++;
	return bpf_probe_read_kernel_str(dst, 109, sun_path);
}

/* PT_SOCKTUPLE from the socket behind fd. Outbound syscalls write local -> remote, inbound ones
 * remote -> local. Where the socket has no remote (unconnected UDP), the remote comes from the
 * user sockaddr of the call (sendto dest, recvfrom source). */
static __always_inline void w_socktuple(struct fnet_writer *w, struct sock *sk, int outbound, __u64 uaddr)
{
	if (!sk || !w_room(w, 160)) { w_empty(w); return; }
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u8 *p = w_ptr(w);
	if (family == AF_INET_) {
		__u32 laddr = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__u16 lport = BPF_CORE_READ(sk, __sk_common.skc_num);
		__u32 raddr = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		__u16 rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
		if (raddr == 0 && rport == 0 && uaddr) {
			struct sockaddr_in sin = {};
			bpf_probe_read_user(&sin, sizeof(sin), (const void *)uaddr);
			if (sin.sin_family == AF_INET_) {
				raddr = sin.sin_addr.s_addr;
				rport = bpf_ntohs(sin.sin_port);
			}
		}
		p[0] = AF_INET_;
		if (outbound) {
			*(__u32 *)&p[1] = laddr;
			*(__u16 *)&p[5] = lport;
			*(__u32 *)&p[7] = raddr;
			*(__u16 *)&p[11] = rport;
		} else {
			*(__u32 *)&p[1] = raddr;
			*(__u16 *)&p[5] = rport;
			*(__u32 *)&p[7] = laddr;
			*(__u16 *)&p[11] = lport;
		}
		w_commit(w, 13);
	} else if (family == AF_INET6_) {
		__u8 laddr[16], raddr[16];
		BPF_CORE_READ_INTO(&laddr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&raddr, sk, __sk_common.skc_v6_daddr);
		__u16 lport = BPF_CORE_READ(sk, __sk_common.skc_num);
		__u16 rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
		if (rport == 0 && uaddr) {
			struct sockaddr_in6 sin6 = {};
			bpf_probe_read_user(&sin6, sizeof(sin6), (const void *)uaddr);
			if (sin6.sin6_family == AF_INET6_) {
				__builtin_memcpy(raddr, &sin6.sin6_addr, 16);
				rport = bpf_ntohs(sin6.sin6_port);
			}
		}
		p[0] = AF_INET6_;
		if (outbound) {
			__builtin_memcpy(&p[1], laddr, 16);
			*(__u16 *)&p[17] = lport;
			__builtin_memcpy(&p[19], raddr, 16);
			*(__u16 *)&p[35] = rport;
		} else {
			__builtin_memcpy(&p[1], raddr, 16);
			*(__u16 *)&p[17] = rport;
			__builtin_memcpy(&p[19], laddr, 16);
			*(__u16 *)&p[35] = lport;
		}
		w_commit(w, 37);
	} else if (family == AF_UNIX_) {
		struct unix_sock *us = (struct unix_sock *)sk;
		struct unix_sock *peer = (struct unix_sock *)BPF_CORE_READ(us, peer);
		p[0] = AF_UNIX_;
		/* unix tuples: inbound = (own, peer), outbound = (peer, own) */
		*(__u64 *)&p[1] = outbound ? (__u64)peer : (__u64)sk;
		*(__u64 *)&p[9] = outbound ? (__u64)sk : (__u64)peer;
		long n = unix_path(&p[17], us, peer);
		if (n <= 0 && uaddr) {
			__u8 first = 0;
			bpf_probe_read_user(&first, 1, (const void *)(uaddr + 2));
			n = bpf_probe_read_user_str(&p[17], 109, (const void *)(uaddr + 2 + (first == 0 ? 1 : 0)));
		}
		if (n <= 0) {
			p[17] = 0;
			n = 1;
		}
		w_commit(w, 17 + n);
	} else {
		w_empty(w);
	}
}

/* ---- inode helpers ---------------------------------------------------------------------- */
static __always_inline void w_fd_dev_ino(struct fnet_writer *w, long fd, __u32 *ppm_flags)
{
	struct file *f = w->ret >= 0 ? fd_to_file(w->task, fd) : NULL;
	if (!f) {
		w_empty(w);
		w_empty(w);
		return;
	}
	if (ppm_flags && (BPF_CORE_READ(f, f_mode) & FMODE_CREATED_))
		*ppm_flags |= PPM_O_F_CREATED;
	w_u32(w, BPF_CORE_READ(f, f_inode, i_sb, s_dev));
	w_u64(w, BPF_CORE_READ(f, f_inode, i_ino));
}

/* ---- process helpers -------------------------------------------------------------------- */
/* exe (argv[0]) and args (argv[1..], NUL-separated) from the process's argument area. */
static __always_inline void w_exe_and_args(struct fnet_writer *w, struct task_struct *t)
{
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	if (!mm || !w_room(w, STR_MAX)) { w_empty(w); w_empty(w); return; }
	__u64 start = BPF_CORE_READ(mm, arg_start);
	__u64 end = BPF_CORE_READ(mm, arg_end);
	if (end <= start) { w_empty(w); w_empty(w); return; }
	long n = bpf_probe_read_user_str(w_ptr(w), STR_MAX, (const void *)start);
	if (n <= 0) { w_empty(w); w_empty(w); return; }
	w_commit(w, n);
	__u64 rest = end - start;
	rest = rest > (__u64)n ? rest - n : 0;
	w_user_bytes(w, start + n, rest, ARGS_MAX);
}

static __always_inline void w_env(struct fnet_writer *w, struct task_struct *t)
{
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	if (!mm) { w_empty(w); return; }
	__u64 start = BPF_CORE_READ(mm, env_start);
	__u64 end = BPF_CORE_READ(mm, env_end);
	w_user_bytes(w, start, end > start ? end - start : 0, ARGS_MAX);
}

static __always_inline void w_comm(struct fnet_writer *w, struct task_struct *t)
{
	if (!w_room(w, 16)) { w_empty(w); return; }
	long n = bpf_probe_read_kernel_str(w_ptr(w), 16, &t->comm);
	w_commit(w, n > 0 ? n : 0);
}

static __always_inline __u64 task_fdlimit(struct task_struct *t)
{
	return BPF_CORE_READ(t, signal, rlim[7].rlim_cur); /* RLIMIT_NOFILE */
}

static __always_inline void w_mm_counters(struct fnet_writer *w, struct task_struct *t)
{
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	w_u64(w, BPF_CORE_READ(t, maj_flt));
	w_u64(w, BPF_CORE_READ(t, min_flt));
	if (!mm) {
		w_u32(w, 0);
		w_u32(w, 0);
		w_u32(w, 0);
		return;
	}
	/* pages to KiB (4 KiB pages); rss counters are per-CPU counters: the central count is
	 * what /proc shows too */
	__u64 total_vm = BPF_CORE_READ(mm, total_vm);
	__s64 file = BPF_CORE_READ(mm, rss_stat[0].count);
	__s64 anon = BPF_CORE_READ(mm, rss_stat[1].count);
	__s64 swap = BPF_CORE_READ(mm, rss_stat[2].count);
	__s64 shmem = BPF_CORE_READ(mm, rss_stat[3].count);
	__s64 rss = file + anon + shmem;
	w_u32(w, (__u32)(total_vm << 2));
	w_u32(w, rss > 0 ? (__u32)(rss << 2) : 0);
	w_u32(w, swap > 0 ? (__u32)(swap << 2) : 0);
}

static __always_inline void w_cwd(struct fnet_writer *w, struct task_struct *t)
{
	struct path pwd = {};
	BPF_CORE_READ_INTO(&pwd, t, fs, pwd);
	w_path(w, pwd.dentry, pwd.mnt);
}

static __always_inline void w_exe_path(struct fnet_writer *w, struct task_struct *t)
{
	struct file *exe = BPF_CORE_READ(t, mm, exe_file);
	if (!exe) { w_empty(w); return; }
	struct path p = {};
	BPF_CORE_READ_INTO(&p, exe, f_path);
	w_path(w, p.dentry, p.mnt);
}

static __always_inline __u32 task_tty(struct task_struct *t)
{
	struct tty_struct *tty = BPF_CORE_READ(t, signal, tty);
	if (!tty)
		return 0;
	int index = BPF_CORE_READ(tty, index);
	int major = BPF_CORE_READ(tty, driver, major);
	int minor = BPF_CORE_READ(tty, driver, minor_start) + index;
	/* new_encode_dev */
	return (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12);
}

static __always_inline __s64 task_pgid(struct task_struct *t, int virt)
{
	struct pid *pgrp = BPF_CORE_READ(t, signal, pids[PIDTYPE_PGID]);
	if (!pgrp)
		return 0;
	if (virt)
		return pid_nr_at_level(pgrp);
	return BPF_CORE_READ(pgrp, numbers[0].nr);
}

/* Common tail of clone/fork/vfork/clone3 exit events (CLONE_20_X layout, 21 params). */
static __always_inline void emit_clone(struct fnet_writer *w, __u16 type, __u64 raw_flags, int have_flags)
{
	struct task_struct *t = w->task;
	w_begin(w, type, 21);
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
	w_begin(w, type, with_filename ? 31 : 30);
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

/* ---- submission ------------------------------------------------------------------------- */
static __always_inline struct falconet_stats *get_stats(void)
{
	__u32 key = 0;
	return bpf_map_lookup_elem(&stats, &key);
}

static __always_inline void submit(struct fnet_writer *w, __u32 tid, struct falconet_settings *cfg)
{
	struct falconet_stats *st = get_stats();
	if (!st)
		return;
	__sync_fetch_and_add(&st->produced, 1);
	/* parameters a handler did not write are recorded as absent */
	for (int i = 0; i < MAX_PARAMS; i++) {
		if (w->idx >= w->nparams)
			break;
		w_empty(w);
	}
	__u64 len = w->off;
	if (len > EVT_HALF || len < HDR_SIZE) {
		__sync_fetch_and_add(&st->dropped_other, 1);
		return;
	}
	*(__u64 *)&w->buf[0] = bpf_ktime_get_boot_ns() + cfg->boot_to_epoch_ns;
	*(__u64 *)&w->buf[8] = tid;
	*(__u32 *)&w->buf[16] = (__u32)len;
	__u64 flags = BPF_RB_NO_WAKEUP;
	__u64 n = ++st->wakeup_counter;
	if (cfg->wakeup_every <= 1 || n % cfg->wakeup_every == 0)
		flags = BPF_RB_FORCE_WAKEUP;
	if (bpf_ringbuf_output(&events, w->buf, len, flags) != 0)
		__sync_fetch_and_add(&st->dropped_full, 1);
}

static __always_inline int slot_enabled(__u32 slot)
{
	__u8 *on = bpf_map_lookup_elem(&syscall_enabled, &slot);
	return on && *on;
}

static __always_inline struct falconet_settings *active_settings(__u32 tgid)
{
	__u32 key = 0;
	struct falconet_settings *cfg = bpf_map_lookup_elem(&settings, &key);
	if (!cfg || !cfg->capture_enabled)
		return NULL;
	if (cfg->ignore_tgid && cfg->ignore_tgid == tgid)
		return NULL;
	return cfg;
}

static __always_inline int init_writer(struct fnet_writer *w)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct scratch_area *area = bpf_map_lookup_elem(&scratch, &cpu);
	if (!area) {
		struct falconet_stats *st = get_stats();
		if (st) {
			__sync_fetch_and_add(&st->produced, 1);
			__sync_fetch_and_add(&st->dropped_other, 1);
		}
		return 0;
	}
	w->buf = area->evt;
	w->tmp = area->path;
	w->task = bpf_get_current_task_btf();
	return 1;
}

/* ---- programs --------------------------------------------------------------------------- */
static __always_inline int handle_file(struct fnet_writer *w, long nr, __u32 snaplen)
{
	struct sock *sk;
	(void)sk;
	(void)snaplen;
	switch (nr) {
	case NR_open: {
		__u32 flags = open_flags_to_ppm(w->args[1]);
		w_begin(w, T_OPEN_X, 6);
		w_u64(w, w->ret);
		w_user_str(w, w->args[0]);
		/* flags is written after dev/ino are known: reserve by index */
		__u64 flags_off = w->off;
		w_u32(w, 0);
		w_u32(w, (w->args[1] & (F_O_CREAT | F_O_TMPFILE_BIT)) ? (__u32)w->args[2] : 0);
		w_fd_dev_ino(w, w->ret, &flags);
		*(__u32 *)&w->buf[flags_off & EVT_MASK] = flags;
		break;
	}
	case NR_openat:
	case NR_openat2: {
		__u64 raw_flags = w->args[2], mode = w->args[3], resolve = 0;
		int is2 = nr == NR_openat2;
		if (is2) {
			__u64 how[3] = {};
			bpf_probe_read_user(how, sizeof(how), (const void *)w->args[2]);
			raw_flags = how[0];
			mode = how[1];
			resolve = how[2];
		}
		(void)resolve;
		__u32 flags = open_flags_to_ppm(raw_flags);
		w_begin(w, is2 ? T_OPENAT2_X : T_OPENAT_2_X, is2 ? 8 : 7);
		w_u64(w, w->ret);
		w_u64(w, (__s64)(__s32)w->args[0]);
		w_user_str(w, w->args[1]);
		__u64 flags_off = w->off;
		w_u32(w, 0);
		w_u32(w, (raw_flags & (F_O_CREAT | F_O_TMPFILE_BIT)) ? (__u32)mode : 0);
		if (is2)
			w_empty(w); /* resolve: PPM_RESOLVE_* encoding not implemented */
		w_fd_dev_ino(w, w->ret, &flags);
		*(__u32 *)&w->buf[flags_off & EVT_MASK] = flags;
		break;
	}
	case NR_creat:
		w_begin(w, T_CREAT_X, 6);
		w_u64(w, w->ret);
		w_user_str(w, w->args[0]);
		w_u32(w, (__u32)w->args[1]);
		w_fd_dev_ino(w, w->ret, NULL);
		w_empty(w); /* creat_flags (overlay layer): not collected */
		break;
	default:
		return 0;
	}
	return 1;
}

static __always_inline int handle_fileops(struct fnet_writer *w, long nr, __u32 snaplen)
{
	struct sock *sk;
	(void)sk;
	(void)snaplen;
	switch (nr) {
	case NR_close:
		w_begin(w, T_CLOSE_X, 2);
		w_u64(w, w->ret);
		w_u64(w, (__s64)(__s32)w->args[0]);
		break;
	case NR_pipe:
	case NR_pipe2: {
		int is2 = nr == NR_pipe2;
		__s32 fds[2] = {-1, -1};
		if (w->ret == 0)
			bpf_probe_read_user(fds, sizeof(fds), (const void *)w->args[0]);
		w_begin(w, is2 ? T_PIPE2_X : T_PIPE_X, is2 ? 5 : 4);
		w_u64(w, w->ret);
		w_u64(w, (__s64)fds[0]);
		w_u64(w, (__s64)fds[1]);
		struct file *f = w->ret == 0 ? fd_to_file(w->task, fds[0]) : NULL;
		if (f)
			w_u64(w, BPF_CORE_READ(f, f_inode, i_ino));
		else
			w_empty(w);
		if (is2)
			w_u32(w, open_flags_to_ppm(w->args[1]) & ~1u);
		break;
	}
	case NR_dup:
		w_begin(w, T_DUP_1_X, 2);
		w_u64(w, w->ret);
		w_u64(w, (__s64)(__s32)w->args[0]);
		break;
	case NR_dup2:
	case NR_dup3: {
		int is3 = nr == NR_dup3;
		w_begin(w, is3 ? T_DUP3_X : T_DUP2_X, is3 ? 4 : 3);
		w_u64(w, w->ret);
		w_u64(w, (__s64)(__s32)w->args[0]);
		w_u64(w, (__s64)(__s32)w->args[1]);
		if (is3)
			w_u32(w, (w->args[2] & F_O_CLOEXEC) ? (1 << 12) : 0);
		break;
	}
	case NR_unlink:
	case NR_rmdir:
		w_begin(w, nr == NR_unlink ? T_UNLINK_2_X : T_RMDIR_2_X, 2);
		w_u64(w, w->ret);
		w_user_str(w, w->args[0]);
		break;
	case NR_unlinkat:
		w_begin(w, T_UNLINKAT_2_X, 4);
		w_u64(w, w->ret);
		w_u64(w, (__s64)(__s32)w->args[0]);
		w_user_str(w, w->args[1]);
		w_u32(w, (__u32)w->args[2]);
		break;
	case NR_rename:
	case NR_link:
	case NR_symlink:
		w_begin(w, nr == NR_rename ? T_RENAME_X : nr == NR_link ? T_LINK_2_X : T_SYMLINK_X, 3);
		w_u64(w, w->ret);
		w_user_str(w, w->args[0]);
		w_user_str(w, w->args[1]);
		break;
	case NR_renameat:
	case NR_renameat2:
	case NR_linkat: {
		int has_flags = nr != NR_renameat;
		w_begin(w, nr == NR_renameat ? T_RENAMEAT_X : nr == NR_renameat2 ? T_RENAMEAT2_X : T_LINKAT_2_X,
			has_flags ? 6 : 5);
		w_u64(w, w->ret);
		w_u64(w, (__s64)(__s32)w->args[0]);
		w_user_str(w, w->args[1]);
		w_u64(w, (__s64)(__s32)w->args[2]);
		w_user_str(w, w->args[3]);
		if (has_flags)
			w_u32(w, (__u32)w->args[4]);
		break;
	}
	case NR_symlinkat:
		w_begin(w, T_SYMLINKAT_X, 4);
		w_u64(w, w->ret);
		w_user_str(w, w->args[0]);
		w_u64(w, (__s64)(__s32)w->args[1]);
		w_user_str(w, w->args[2]);
		break;
	case NR_mkdir:
		w_begin(w, T_MKDIR_2_X, 3);
		w_u64(w, w->ret);
		w_user_str(w, w->args[0]);
		w_u32(w, (__u32)w->args[1]);
		break;
	case NR_mkdirat:
		w_begin(w, T_MKDIRAT_X, 4);
		w_u64(w, w->ret);
		w_u64(w, (__s64)(__s32)w->args[0]);
		w_user_str(w, w->args[1]);
		w_u32(w, (__u32)w->args[2]);
		break;
	case NR_chmod:
		w_begin(w, T_CHMOD_X, 3);
		w_u64(w, w->ret);
		w_user_str(w, w->args[0]);
		w_u32(w, (__u32)w->args[1] & 07777);
		break;
	case NR_fchmod:
		w_begin(w, T_FCHMOD_X, 3);
		w_u64(w, w->ret);
		w_u64(w, (__s64)(__s32)w->args[0]);
		w_u32(w, (__u32)w->args[1] & 07777);
		break;
	case NR_fchmodat:
		w_begin(w, T_FCHMODAT_X, 4);
		w_u64(w, w->ret);
		w_u64(w, (__s64)(__s32)w->args[0]);
		w_user_str(w, w->args[1]);
		w_u32(w, (__u32)w->args[2] & 07777);
		break;
	case NR_mount: {
		__u32 mflags = (__u32)w->args[3];
		if ((mflags & 0xffff0000) == 0xc0ed0000) /* MS_MGC_VAL magic */
			mflags &= 0xffff;
		w_begin(w, T_MOUNT_X, 5);
		w_u64(w, w->ret);
		w_user_str(w, w->args[0]);
		w_user_str(w, w->args[1]);
		w_user_str(w, w->args[2]);
		w_u32(w, mflags);
		break;
	}
	case NR_umount2:
		w_begin(w, T_UMOUNT2_X, 3);
		w_u64(w, w->ret);
		w_user_str(w, w->args[0]);
		w_u32(w, (__u32)w->args[1]);
		break;
	case NR_memfd_create:
		w_begin(w, T_MEMFD_CREATE_X, 3);
		w_u64(w, w->ret);
		w_user_str(w, w->args[0]);
		w_u32(w, (__u32)w->args[1] & 7);
		break;
	default:
		return 0;
	}
	return 1;
}

static __always_inline int handle_net(struct fnet_writer *w, long nr, __u32 snaplen)
{
	struct sock *sk;
	(void)sk;
	(void)snaplen;
	switch (nr) {
	case NR_socket:
		w_begin(w, T_SOCKET_X, 5);
		w_u64(w, w->ret);
		w_u32(w, (__u32)w->args[0]);
		w_u32(w, (__u32)w->args[1]);
		w_u32(w, (__u32)w->args[2]);
		w_u32(w, socket_type_flags_to_ppm((__u32)w->args[1]));
		break;
	case NR_bind:
		w_begin(w, T_BIND_X, 3);
		w_u64(w, w->ret);
		w_user_sockaddr(w, w->args[1], w->args[2]);
		w_u64(w, (__s64)(__s32)w->args[0]);
		break;
	case NR_connect:
		w_begin(w, T_CONNECT_X, 4);
		w_u64(w, w->ret);
		sk = file_to_sock(fd_to_file(w->task, (__s32)w->args[0]));
		if (w->ret == 0 || w->ret == -EINPROGRESS_)
			w_socktuple(w, sk, 1, w->args[1]);
		else
			w_empty(w);
		w_u64(w, (__s64)(__s32)w->args[0]);
		w_user_sockaddr(w, w->args[1], w->args[2]);
		break;
	case NR_listen:
		w_begin(w, T_LISTEN_X, 3);
		w_u64(w, w->ret);
		w_u64(w, (__s64)(__s32)w->args[0]);
		w_u32(w, (__u32)w->args[1]);
		break;
	case NR_accept:
	case NR_accept4: {
		int is4 = nr == NR_accept4;
		w_begin(w, is4 ? T_ACCEPT4_6_X : T_ACCEPT_5_X, is4 ? 6 : 5);
		w_u64(w, w->ret);
		sk = w->ret >= 0 ? file_to_sock(fd_to_file(w->task, w->ret)) : NULL;
		if (sk)
			w_socktuple(w, sk, 0, 0);
		else
			w_empty(w);
		struct sock *lsk = file_to_sock(fd_to_file(w->task, (__s32)w->args[0]));
		__u32 qlen = lsk ? BPF_CORE_READ(lsk, sk_ack_backlog) : 0;
		__u32 qmax = lsk ? BPF_CORE_READ(lsk, sk_max_ack_backlog) : 0;
		w_u8(w, qmax ? (__u8)(qlen * 100 / qmax) : 0);
		w_u32(w, qlen);
		w_u32(w, qmax);
		if (is4)
			w_u32(w, (__u32)w->args[3]);
		break;
	}
	case NR_shutdown:
		w_begin(w, T_SHUTDOWN_X, 3);
		w_u64(w, w->ret);
		w_u64(w, (__s64)(__s32)w->args[0]);
		w_u8(w, (__u8)w->args[1]);
		break;
	case NR_socketpair: {
		__s32 fds[2] = {-1, -1};
		if (w->ret == 0)
			bpf_probe_read_user(fds, sizeof(fds), (const void *)w->args[3]);
		w_begin(w, T_SOCKETPAIR_X, 8);
		w_u64(w, w->ret);
		w_u64(w, (__s64)fds[0]);
		w_u64(w, (__s64)fds[1]);
		sk = w->ret == 0 ? file_to_sock(fd_to_file(w->task, fds[0])) : NULL;
		if (sk) {
			w_u64(w, (__u64)sk);
			w_u64(w, (__u64)BPF_CORE_READ((struct unix_sock *)sk, peer));
		} else {
			w_empty(w);
			w_empty(w);
		}
		w_u32(w, (__u32)w->args[0]);
		w_u32(w, (__u32)w->args[1]);
		w_u32(w, (__u32)w->args[2]);
		break;
	}
	default:
		return 0;
	}
	return 1;
}

static __always_inline int handle_netio(struct fnet_writer *w, long nr, __u32 snaplen)
{
	struct sock *sk;
	(void)sk;
	(void)snaplen;
	switch (nr) {
	case NR_sendto:
		w_begin(w, T_SENDTO_X, 5);
		w_u64(w, w->ret);
		w_user_bytes(w, w->args[1], w->ret > 0 ? w->ret : 0, snaplen);
		w_u64(w, (__s64)(__s32)w->args[0]);
		w_u32(w, (__u32)w->args[2]);
		w_socktuple(w, file_to_sock(fd_to_file(w->task, (__s32)w->args[0])), 1, w->args[4]);
		break;
	case NR_recvfrom:
		w_begin(w, T_RECVFROM_X, 5);
		w_u64(w, w->ret);
		w_user_bytes(w, w->args[1], w->ret > 0 ? w->ret : 0, snaplen);
		if (w->ret >= 0) {
			__u64 src = 0;
			if (w->args[4])
				src = w->args[4];
			w_socktuple(w, file_to_sock(fd_to_file(w->task, (__s32)w->args[0])), 0, src);
		} else {
			w_empty(w);
		}
		w_u64(w, (__s64)(__s32)w->args[0]);
		w_u32(w, (__u32)w->args[2]);
		break;
	case NR_sendmsg:
	case NR_recvmsg: {
		int is_send = nr == NR_sendmsg;
		struct user_msghdr mh = {};
		bpf_probe_read_user(&mh, sizeof(mh), (const void *)w->args[1]);
		__u64 size = 0;
		struct iovec iov[IOV_MAX_READ] = {};
		__u64 niov = mh.msg_iovlen < IOV_MAX_READ ? mh.msg_iovlen : IOV_MAX_READ;
		if (mh.msg_iov)
			bpf_probe_read_user(iov, sizeof(iov), mh.msg_iov);
		for (int i = 0; i < IOV_MAX_READ; i++)
			if (i < niov)
				size += iov[i].iov_len;
		if (is_send) {
			w_begin(w, T_SENDMSG_X, 5);
			w_u64(w, w->ret);
		} else {
			w_begin(w, T_RECVMSG_X, 6);
			w_u64(w, w->ret);
			w_u32(w, (__u32)size);
		}
		/* data: the first iovec only, up to the byte count of the call and the snaplen */
		__u64 avail = w->ret > 0 ? w->ret : 0;
		__u64 first = niov > 0 ? iov[0].iov_len : 0;
		w_user_bytes(w, (__u64)iov[0].iov_base, avail < first ? avail : first, snaplen);
		if (is_send) {
			w_u64(w, (__s64)(__s32)w->args[0]);
			w_u32(w, (__u32)size);
		}
		sk = file_to_sock(fd_to_file(w->task, (__s32)w->args[0]));
		if (w->ret >= 0)
			w_socktuple(w, sk, is_send, (__u64)mh.msg_name);
		else
			w_empty(w);
		if (!is_send) {
			w_empty(w); /* msgcontrol: not collected */
			w_u64(w, (__s64)(__s32)w->args[0]);
		}
		break;
	}
	default:
		return 0;
	}
	return 1;
}

static __always_inline int handle_proc(struct fnet_writer *w, long nr, __u32 snaplen)
{
	struct sock *sk;
	(void)sk;
	(void)snaplen;
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

static __always_inline int handle_exec(struct fnet_writer *w, long nr, __u32 snaplen)
{
	struct sock *sk;
	(void)sk;
	(void)snaplen;
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

static __always_inline int handle_misc(struct fnet_writer *w, long nr, __u32 snaplen)
{
	struct sock *sk;
	(void)sk;
	(void)snaplen;
	switch (nr) {
	case NR_setuid:
	case NR_setgid:
		w_begin(w, nr == NR_setuid ? T_SETUID_X : T_SETGID_X, 2);
		w_u64(w, w->ret);
		w_u32(w, (__u32)w->args[0]);
		break;
	case NR_setreuid:
	case NR_setregid:
		w_begin(w, nr == NR_setreuid ? T_SETREUID_X : T_SETREGID_X, 3);
		w_u64(w, w->ret);
		w_u32(w, (__u32)w->args[0]);
		w_u32(w, (__u32)w->args[1]);
		break;
	case NR_setresuid:
	case NR_setresgid:
		w_begin(w, nr == NR_setresuid ? T_SETRESUID_X : T_SETRESGID_X, 4);
		w_u64(w, w->ret);
		w_u32(w, (__u32)w->args[0]);
		w_u32(w, (__u32)w->args[1]);
		w_u32(w, (__u32)w->args[2]);
		break;
	case NR_setns:
		w_begin(w, T_SETNS_X, 3);
		w_u64(w, w->ret);
		w_u64(w, (__s64)(__s32)w->args[0]);
		w_u32(w, clone_flags_to_ppm(w->args[1]));
		break;
	case NR_unshare:
		w_begin(w, T_UNSHARE_X, 2);
		w_u64(w, w->ret);
		w_u32(w, clone_flags_to_ppm(w->args[0]));
		break;
	case NR_ptrace:
		w_begin(w, T_PTRACE_X, 5);
		w_u64(w, w->ret);
		w_dyn_u64(w, w->args[2]);
		w_dyn_u64(w, w->args[3]);
		w_u16(w, ptrace_request_to_ppm((long)w->args[0]));
		w_u64(w, (__s64)(__s32)w->args[1]);
		break;
	default:
		return 0;
	}
	return 1;
}

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
		if (handle_##group(&w, regs->orig_ax, cfg->snaplen))                        \
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
	__uint(max_entries, 7);
	__type(key, __u32);
	__array(values, int(void *));
} exit_groups SEC(".maps") = {
	.values = {
		[0] = (void *)&falconet_exit_file,
		[1] = (void *)&falconet_exit_fileops,
		[2] = (void *)&falconet_exit_net,
		[3] = (void *)&falconet_exit_netio,
		[4] = (void *)&falconet_exit_proc,
		[5] = (void *)&falconet_exit_exec,
		[6] = (void *)&falconet_exit_misc,
	},
};

SEC("tp_btf/sys_enter")
int BPF_PROG(falconet_sys_enter, struct pt_regs *regs, long id)
{
	if (id != NR_execve && id != NR_execveat)
		return 0;
	if (!slot_enabled((__u32)id))
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
	if (!slot_enabled((__u32)nr))
		return 0;
	/* 32-bit (ia32) syscalls use another numbering: not decoded, skipped */
	struct task_struct *task = bpf_get_current_task_btf();
	if (task->thread_info.status & 0x0002 /* TS_COMPAT */)
		return 0;
	if (!active_settings(bpf_get_current_pid_tgid() >> 32))
		return 0;
	__u32 group;
	switch (nr) {
	case NR_open:
	case NR_openat:
	case NR_openat2:
	case NR_creat:
		group = 0;
		break;
	case NR_close:
	case NR_dup:
	case NR_dup2:
	case NR_dup3:
	case NR_pipe:
	case NR_pipe2:
	case NR_unlink:
	case NR_rmdir:
	case NR_unlinkat:
	case NR_rename:
	case NR_link:
	case NR_symlink:
	case NR_renameat:
	case NR_renameat2:
	case NR_linkat:
	case NR_symlinkat:
	case NR_mkdir:
	case NR_mkdirat:
	case NR_chmod:
	case NR_fchmod:
	case NR_fchmodat:
	case NR_mount:
	case NR_umount2:
	case NR_memfd_create:
		group = 1;
		break;
	case NR_socket:
	case NR_bind:
	case NR_connect:
	case NR_listen:
	case NR_accept:
	case NR_accept4:
	case NR_shutdown:
	case NR_socketpair:
		group = 2;
		break;
	case NR_sendto:
	case NR_recvfrom:
	case NR_sendmsg:
	case NR_recvmsg:
		group = 3;
		break;
	case NR_clone:
	case NR_fork:
	case NR_vfork:
	case NR_clone3:
		group = 4;
		break;
	case NR_execve:
	case NR_execveat:
		group = 5;
		break;
	case NR_setuid:
	case NR_setgid:
	case NR_setreuid:
	case NR_setregid:
	case NR_setresuid:
	case NR_setresgid:
	case NR_setns:
	case NR_unshare:
	case NR_ptrace:
		group = 6;
		break;
	default:
		return 0;
	}
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
	if (!slot_enabled(FALCONET_SLOT_PROCEXIT))
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
	w_begin(&w, T_PROCEXIT_1_E, 5);
	w_u64(&w, code);                              /* status */
	w_u64(&w, sig == 0 ? (code >> 8) & 0xff : 0); /* ret */
	w_u8(&w, (__u8)sig);                          /* sig */
	w_u8(&w, (code & 0x80) ? 1 : 0);              /* core */
	w_empty(&w);                                  /* reaper_tid: left to userspace */
	submit(&w, (__u32)pid_tgid, cfg);
	return 0;
}
