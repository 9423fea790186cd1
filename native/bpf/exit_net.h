/* Group programs "net" (socket setup) and "netio" (send/recv). */
#ifndef FALCONET_EXIT_NET_H
#define FALCONET_EXIT_NET_H

#include "falconet_task.h"

static __always_inline int handle_net(struct fnet_writer *w, long nr, struct falconet_settings *cfg)
{
	struct sock *sk;
	(void)sk;
	(void)cfg;
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

/* The bytes a call moved through an iovec array: the first IOV_COPY iovecs in order, up to avail
 * (the call's byte count) and limit, as one BYTEBUF. Bounded so the verifier sees IOV_COPY copies. */
static __always_inline void w_user_iov(struct fnet_writer *w, const struct iovec *iov, __u64 niov, __u64 avail, __u32 limit)
{
	__u32 total = clamp_len(w, avail, limit);
	__u32 done = 0;
	for (int i = 0; i < IOV_COPY; i++) {
		if (i >= niov || done >= total)
			break;
		__u64 n = iov[i].iov_len;
		if (n > total - done)
			n = total - done;
		__u32 m = (__u32)n;
		asm volatile("" : "+r"(m));
		m &= EVT_MASK;
		if (m == 0)
			continue;
		if (bpf_probe_read_user(&w->buf[(w->off + done) & EVT_MASK], m, iov[i].iov_base) != 0)
			break;
		done += m;
	}
	w_commit(w, done & EVT_MASK);
}

/* The first IOV_MAX_READ iovecs of a user array and the sum of their lengths. */
struct iov_view {
	struct iovec iov[IOV_MAX_READ];
	__u64 n;
	__u64 size;
};

static __always_inline void read_iovs(struct iov_view *v, __u64 uptr, __u64 count)
{
	v->n = count < IOV_MAX_READ ? count : IOV_MAX_READ;
	v->size = 0;
	__u32 bytes = (__u32)v->n * sizeof(struct iovec);
	if (!uptr || bytes == 0 || bytes > sizeof(v->iov) || bpf_probe_read_user(v->iov, bytes, (const void *)uptr) != 0) {
		v->n = 0;
		return;
	}
	for (int i = 0; i < IOV_MAX_READ; i++)
		if (i < v->n)
			v->size += v->iov[i].iov_len;
}

/* 1 when sk is an AF_INET/AF_INET6 socket with FALCONET_DNS_PORT at either end. An unconnected
 * socket's remote end is the source address the call wrote at uaddr (recvfrom's src_addr, msg_name). */
static __always_inline int sock_is_dns(struct sock *sk, __u64 uaddr)
{
	if (!sk)
		return 0;
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != AF_INET_ && family != AF_INET6_)
		return 0;
	if (BPF_CORE_READ(sk, __sk_common.skc_num) == FALCONET_DNS_PORT)
		return 1;
	__u16 dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (dport == FALCONET_DNS_PORT)
		return 1;
	if (dport != 0 || !uaddr)
		return 0;
	/* sockaddr_in and sockaddr_in6 both start with family and port */
	__u16 sa[2] = {};
	bpf_probe_read_user(sa, sizeof(sa), (const void *)uaddr);
	return (sa[0] == AF_INET_ || sa[0] == AF_INET6_) && bpf_ntohs(sa[1]) == FALCONET_DNS_PORT;
}

/* Where the peer address of a receive is, once the call has returned: recvfrom's src_addr, or the
 * msg_name of recvmsg's header and of recvmmsg's first one (struct mmsghdr starts with its msghdr). */
static __always_inline __u64 recv_peer_uaddr(struct fnet_writer *w, long nr)
{
	if (nr == NR_recvfrom)
		return w->args[4];
	if (nr != NR_recvmsg && nr != NR_recvmmsg)
		return 0;
	__u64 name = 0;
	bpf_probe_read_user(&name, sizeof(name), (const void *)w->args[1]);
	return name;
}

/* The payload limit of a receive that can carry DNS, or -1 when the call is not to be emitted:
 * in MODE_DNS_ONLY every call not on a DNS socket leaves here (failed ones never got past the
 * dispatcher). A DNS socket gets dns_snaplen when that is larger. */
static __always_inline long dns_gate(struct fnet_writer *w, long nr, struct falconet_settings *cfg)
{
	int dns_only = slot_mode((__u32)nr) == MODE_DNS_ONLY;
	if (!dns_only && cfg->dns_snaplen <= cfg->snaplen)
		return cfg->snaplen;
	struct sock *sk = file_to_sock(fd_to_file(w->task, (__s32)w->args[0]));
	if (!sock_is_dns(sk, recv_peer_uaddr(w, nr)))
		return dns_only ? -1 : (long)cfg->snaplen; /* the cast keeps -1 from becoming a u32 */
	return cfg->dns_snaplen > cfg->snaplen ? cfg->dns_snaplen : cfg->snaplen;
}

static __always_inline int handle_netio(struct fnet_writer *w, long nr, struct falconet_settings *cfg)
{
	struct sock *sk;
	__u32 snaplen = cfg->snaplen;
	if (falconet_dns_capable(nr)) {
		long limit = dns_gate(w, nr, cfg);
		if (limit < 0)
			return 0;
		snaplen = (__u32)limit;
	}
	__s64 fd = (__s32)w->args[0];
	__u64 avail = w->ret > 0 ? w->ret : 0;
	switch (nr) {
	case NR_sendto:
		w_begin(w, T_SENDTO_X, NP_SENDTO_X);
		w_u64(w, w->ret);
		w_user_bytes(w, w->args[1], avail, snaplen);
		w_u64(w, fd);
		w_u32(w, (__u32)w->args[2]);
		w_socktuple(w, file_to_sock(fd_to_file(w->task, fd)), 1, w->args[4]);
		break;
	case NR_recvfrom:
		w_begin(w, T_RECVFROM_X, NP_RECVFROM_X);
		w_u64(w, w->ret);
		w_user_bytes(w, w->args[1], avail, snaplen);
		if (w->ret >= 0)
			w_socktuple(w, file_to_sock(fd_to_file(w->task, fd)), 0, w->args[4]);
		else
			w_empty(w);
		w_u64(w, fd);
		w_u32(w, (__u32)w->args[2]);
		break;
	case NR_read:
		w_begin(w, T_READ_X, NP_READ_X);
		w_u64(w, w->ret);
		w_user_bytes(w, w->args[1], avail, snaplen);
		w_u64(w, fd);
		w_u32(w, (__u32)w->args[2]);
		break;
	case NR_readv: {
		struct iov_view v;
		read_iovs(&v, w->args[1], w->args[2]);
		w_begin(w, T_READV_X, NP_READV_X);
		w_u64(w, w->ret);
		w_u32(w, (__u32)v.size);
		w_user_iov(w, v.iov, v.n, avail, snaplen);
		w_u64(w, fd);
		break;
	}
	case NR_sendmsg:
	case NR_recvmsg:
	case NR_recvmmsg: {
		int is_send = nr == NR_sendmsg, is_mmsg = nr == NR_recvmmsg;
		/* recvmmsg: the first message only (struct mmsghdr: the msghdr, then msg_len) */
		struct mmsghdr mm = {};
		bpf_probe_read_user(&mm, is_mmsg ? sizeof(mm) : sizeof(mm.msg_hdr), (const void *)w->args[1]);
		struct user_msghdr *mh = &mm.msg_hdr;
		struct iov_view v;
		read_iovs(&v, (__u64)mh->msg_iov, mh->msg_iovlen);
		long res = w->ret;
		if (is_mmsg && w->ret > 0)
			res = mm.msg_len;
		avail = res > 0 ? res : 0;
		if (is_send) {
			w_begin(w, T_SENDMSG_X, NP_SENDMSG_X);
			w_u64(w, res);
		} else if (is_mmsg) {
			w_begin(w, T_RECVMMSG_X, NP_RECVMMSG_X);
			w_u64(w, res);
			w_u64(w, fd);
			w_u32(w, (__u32)v.size);
		} else {
			w_begin(w, T_RECVMSG_X, NP_RECVMSG_X);
			w_u64(w, res);
			w_u32(w, (__u32)v.size);
		}
		w_user_iov(w, v.iov, v.n, avail, snaplen);
		if (is_send) {
			w_u64(w, fd);
			w_u32(w, (__u32)v.size);
		}
		sk = file_to_sock(fd_to_file(w->task, fd));
		if (w->ret >= 0)
			w_socktuple(w, sk, is_send, (__u64)mh->msg_name);
		else
			w_empty(w);
		if (!is_send)
			w_empty(w); /* msgcontrol: not collected */
		if (!is_send && !is_mmsg)
			w_u64(w, fd);
		break;
	}
	default:
		return 0;
	}
	return 1;
}

#endif
