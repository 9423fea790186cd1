/* Group program "misc": credentials, namespaces, ptrace. */
#ifndef FALCONET_EXIT_MISC_H
#define FALCONET_EXIT_MISC_H

#include "falconet_task.h"

static __always_inline int handle_misc(struct fnet_writer *w, long nr, struct falconet_settings *cfg)
{
	struct sock *sk;
	(void)sk;
	(void)cfg;
	switch (nr) {
	case NR_setuid:
	case NR_setgid:
		w_begin(w, nr == NR_setuid ? T_SETUID_X : T_SETGID_X, nr == NR_setuid ? NP_SETUID_X : NP_SETGID_X);
		w_u64(w, w->ret);
		w_u32(w, (__u32)w->args[0]);
		break;
	case NR_setreuid:
	case NR_setregid:
		w_begin(w, nr == NR_setreuid ? T_SETREUID_X : T_SETREGID_X, nr == NR_setreuid ? NP_SETREUID_X : NP_SETREGID_X);
		w_u64(w, w->ret);
		w_u32(w, (__u32)w->args[0]);
		w_u32(w, (__u32)w->args[1]);
		break;
	case NR_setresuid:
	case NR_setresgid:
		w_begin(w, nr == NR_setresuid ? T_SETRESUID_X : T_SETRESGID_X, nr == NR_setresuid ? NP_SETRESUID_X : NP_SETRESGID_X);
		w_u64(w, w->ret);
		w_u32(w, (__u32)w->args[0]);
		w_u32(w, (__u32)w->args[1]);
		w_u32(w, (__u32)w->args[2]);
		break;
	case NR_setns:
		w_begin(w, T_SETNS_X, NP_SETNS_X);
		w_u64(w, w->ret);
		w_u64(w, (__s64)(__s32)w->args[0]);
		w_u32(w, clone_flags_to_ppm(w->args[1]));
		break;
	case NR_unshare:
		w_begin(w, T_UNSHARE_X, NP_UNSHARE_X);
		w_u64(w, w->ret);
		w_u32(w, clone_flags_to_ppm(w->args[0]));
		break;
	case NR_ptrace:
		w_begin(w, T_PTRACE_X, NP_PTRACE_X);
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

#endif
