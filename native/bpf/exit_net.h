/* Group programs "net" (socket setup) and "netio" (send/recv). */
#ifndef FALCONET_EXIT_NET_H
#define FALCONET_EXIT_NET_H

#include "falconet_task.h"

static __always_inline int handle_net(struct fnet_writer *w, long nr, __u32 snaplen)
{
	struct sock *sk;
	(void)sk;
	(void)snaplen;
	switch (nr) {
	case NR_socket:
		w_begin(w, T_SOCKET_X, NP_SOCKET_X);
		w_u64(w, w->ret);
		w_u32(w, (__u32)w->args[0]);
		w_u32(w, (__u32)w->args[1]);
		w_u32(w, (__u32)w->args[2]);
		w_u32(w, socket_type_flags_to_ppm((__u32)w->args[1]));
		break;
	case NR_bind:
		w_begin(w, T_BIND_X, NP_BIND_X);
		w_u64(w, w->ret);
		w_user_sockaddr(w, w->args[1], w->args[2]);
		w_u64(w, (__s64)(__s32)w->args[0]);
		break;
	case NR_connect:
		w_begin(w, T_CONNECT_X, NP_CONNECT_X);
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
		w_begin(w, T_LISTEN_X, NP_LISTEN_X);
		w_u64(w, w->ret);
		w_u64(w, (__s64)(__s32)w->args[0]);
		w_u32(w, (__u32)w->args[1]);
		break;
	case NR_accept:
	case NR_accept4: {
		int is4 = nr == NR_accept4;
		w_begin(w, is4 ? T_ACCEPT4_6_X : T_ACCEPT_5_X, is4 ? NP_ACCEPT4_6_X : NP_ACCEPT_5_X);
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
		w_begin(w, T_SHUTDOWN_X, NP_SHUTDOWN_X);
		w_u64(w, w->ret);
		w_u64(w, (__s64)(__s32)w->args[0]);
		w_u8(w, (__u8)w->args[1]);
		break;
	case NR_socketpair: {
		__s32 fds[2] = {-1, -1};
		if (w->ret == 0)
			bpf_probe_read_user(fds, sizeof(fds), (const void *)w->args[3]);
		w_begin(w, T_SOCKETPAIR_X, NP_SOCKETPAIR_X);
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
		w_begin(w, T_SENDTO_X, NP_SENDTO_X);
		w_u64(w, w->ret);
		w_user_bytes(w, w->args[1], w->ret > 0 ? w->ret : 0, snaplen);
		w_u64(w, (__s64)(__s32)w->args[0]);
		w_u32(w, (__u32)w->args[2]);
		w_socktuple(w, file_to_sock(fd_to_file(w->task, (__s32)w->args[0])), 1, w->args[4]);
		break;
	case NR_recvfrom:
		w_begin(w, T_RECVFROM_X, NP_RECVFROM_X);
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
			w_begin(w, T_SENDMSG_X, NP_SENDMSG_X);
			w_u64(w, w->ret);
		} else {
			w_begin(w, T_RECVMSG_X, NP_RECVMSG_X);
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

#endif
