/* Readers of kernel objects shared by the syscall groups: tasks, paths, cgroups, sockets, inodes. */
#ifndef FALCONET_TASK_H
#define FALCONET_TASK_H

#include "falconet_writer.h"
#include "falconet_flags.h"

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

#endif
