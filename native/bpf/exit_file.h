/* Group programs "file" (open family) and "fileops" (fd and path operations). */
#ifndef FALCONET_EXIT_FILE_H
#define FALCONET_EXIT_FILE_H

#include "falconet_task.h"

static __always_inline int handle_file(struct fnet_writer *w, long nr, struct falconet_settings *cfg)
{
	struct sock *sk;
	(void)sk;
	(void)cfg;
	switch (nr) {
	case NR_open: {
		__u32 flags = open_flags_to_ppm(w->args[1]);
		w_begin(w, T_OPEN_X, NP_OPEN_X);
		w_u64(w, w->ret);
		w_user_str(w, w->args[0]);
		/* flags is written after dev/ino are known: reserve by index */
		__u64 flags_off = w->off;
		w_u32(w, 0);
		w_u32(w, (w->args[1] & (F_O_CREAT | F_O_TMPFILE)) ? (__u32)w->args[2] : 0);
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
		w_begin(w, is2 ? T_OPENAT2_X : T_OPENAT_2_X, is2 ? NP_OPENAT2_X : NP_OPENAT_2_X);
		w_u64(w, w->ret);
		w_u64(w, (__s64)(__s32)w->args[0]);
		w_user_str(w, w->args[1]);
		__u64 flags_off = w->off;
		w_u32(w, 0);
		w_u32(w, (raw_flags & (F_O_CREAT | F_O_TMPFILE)) ? (__u32)mode : 0);
		if (is2)
			w_empty(w); /* resolve: PPM_RESOLVE_* encoding not implemented */
		w_fd_dev_ino(w, w->ret, &flags);
		*(__u32 *)&w->buf[flags_off & EVT_MASK] = flags;
		break;
	}
	case NR_creat:
		w_begin(w, T_CREAT_X, NP_CREAT_X);
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

static __always_inline int handle_fileops(struct fnet_writer *w, long nr, struct falconet_settings *cfg)
{
	struct sock *sk;
	(void)sk;
	(void)cfg;
	switch (nr) {
	case NR_close:
		w_begin(w, T_CLOSE_X, NP_CLOSE_X);
		w_u64(w, w->ret);
		w_u64(w, (__s64)(__s32)w->args[0]);
		break;
	case NR_pipe:
	case NR_pipe2: {
		int is2 = nr == NR_pipe2;
		__s32 fds[2] = {-1, -1};
		if (w->ret == 0)
			bpf_probe_read_user(fds, sizeof(fds), (const void *)w->args[0]);
		w_begin(w, is2 ? T_PIPE2_X : T_PIPE_X, is2 ? NP_PIPE2_X : NP_PIPE_X);
		w_u64(w, w->ret);
		w_u64(w, (__s64)fds[0]);
		w_u64(w, (__s64)fds[1]);
		struct file *f = w->ret == 0 ? fd_to_file(w->task, fds[0]) : NULL;
		if (f)
			w_u64(w, BPF_CORE_READ(f, f_inode, i_ino));
		else
			w_empty(w);
		if (is2)
			w_u32(w, open_flags_to_ppm(w->args[1]) & ~PPM_O_RDONLY);
		break;
	}
	case NR_dup:
		w_begin(w, T_DUP_1_X, NP_DUP_1_X);
		w_u64(w, w->ret);
		w_u64(w, (__s64)(__s32)w->args[0]);
		break;
	case NR_dup2:
	case NR_dup3: {
		int is3 = nr == NR_dup3;
		w_begin(w, is3 ? T_DUP3_X : T_DUP2_X, is3 ? NP_DUP3_X : NP_DUP2_X);
		w_u64(w, w->ret);
		w_u64(w, (__s64)(__s32)w->args[0]);
		w_u64(w, (__s64)(__s32)w->args[1]);
		if (is3)
			w_u32(w, (w->args[2] & F_O_CLOEXEC) ? PPM_O_CLOEXEC : 0);
		break;
	}
	case NR_unlink:
	case NR_rmdir:
		w_begin(w, nr == NR_unlink ? T_UNLINK_2_X : T_RMDIR_2_X, nr == NR_unlink ? NP_UNLINK_2_X : NP_RMDIR_2_X);
		w_u64(w, w->ret);
		w_user_str(w, w->args[0]);
		break;
	case NR_unlinkat:
		w_begin(w, T_UNLINKAT_2_X, NP_UNLINKAT_2_X);
		w_u64(w, w->ret);
		w_u64(w, (__s64)(__s32)w->args[0]);
		w_user_str(w, w->args[1]);
		w_u32(w, (__u32)w->args[2]);
		break;
	case NR_rename:
	case NR_link:
	case NR_symlink:
		w_begin(w, nr == NR_rename ? T_RENAME_X : nr == NR_link ? T_LINK_2_X : T_SYMLINK_X, nr == NR_rename ? NP_RENAME_X : nr == NR_link ? NP_LINK_2_X : NP_SYMLINK_X);
		w_u64(w, w->ret);
		w_user_str(w, w->args[0]);
		w_user_str(w, w->args[1]);
		break;
	case NR_renameat:
	case NR_renameat2:
	case NR_linkat: {
		int has_flags = nr != NR_renameat;
		w_begin(w, nr == NR_renameat ? T_RENAMEAT_X : nr == NR_renameat2 ? T_RENAMEAT2_X : T_LINKAT_2_X,
			nr == NR_renameat ? NP_RENAMEAT_X : nr == NR_renameat2 ? NP_RENAMEAT2_X : NP_LINKAT_2_X);
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
		w_begin(w, T_SYMLINKAT_X, NP_SYMLINKAT_X);
		w_u64(w, w->ret);
		w_user_str(w, w->args[0]);
		w_u64(w, (__s64)(__s32)w->args[1]);
		w_user_str(w, w->args[2]);
		break;
	case NR_mkdir:
		w_begin(w, T_MKDIR_2_X, NP_MKDIR_2_X);
		w_u64(w, w->ret);
		w_user_str(w, w->args[0]);
		w_u32(w, (__u32)w->args[1]);
		break;
	case NR_mkdirat:
		w_begin(w, T_MKDIRAT_X, NP_MKDIRAT_X);
		w_u64(w, w->ret);
		w_u64(w, (__s64)(__s32)w->args[0]);
		w_user_str(w, w->args[1]);
		w_u32(w, (__u32)w->args[2]);
		break;
	case NR_chmod:
		w_begin(w, T_CHMOD_X, NP_CHMOD_X);
		w_u64(w, w->ret);
		w_user_str(w, w->args[0]);
		w_u32(w, (__u32)w->args[1] & 07777);
		break;
	case NR_fchmod:
		w_begin(w, T_FCHMOD_X, NP_FCHMOD_X);
		w_u64(w, w->ret);
		w_u64(w, (__s64)(__s32)w->args[0]);
		w_u32(w, (__u32)w->args[1] & 07777);
		break;
	case NR_fchmodat:
		w_begin(w, T_FCHMODAT_X, NP_FCHMODAT_X);
		w_u64(w, w->ret);
		w_u64(w, (__s64)(__s32)w->args[0]);
		w_user_str(w, w->args[1]);
		w_u32(w, (__u32)w->args[2] & 07777);
		break;
	case NR_mount: {
		__u32 mflags = (__u32)w->args[3];
		if ((mflags & 0xffff0000) == 0xc0ed0000) /* MS_MGC_VAL magic */
			mflags &= 0xffff;
		w_begin(w, T_MOUNT_X, NP_MOUNT_X);
		w_u64(w, w->ret);
		w_user_str(w, w->args[0]);
		w_user_str(w, w->args[1]);
		w_user_str(w, w->args[2]);
		w_u32(w, mflags);
		break;
	}
	case NR_umount2:
		w_begin(w, T_UMOUNT2_X, NP_UMOUNT2_X);
		w_u64(w, w->ret);
		w_user_str(w, w->args[0]);
		w_u32(w, (__u32)w->args[1]);
		break;
	case NR_memfd_create:
		w_begin(w, T_MEMFD_CREATE_X, NP_MEMFD_CREATE_X);
		w_u64(w, w->ret);
		w_user_str(w, w->args[0]);
		w_u32(w, (__u32)w->args[1] & 7);
		break;
	default:
		return 0;
	}
	return 1;
}

#endif
