// SPDX-License-Identifier: GPL-2.0
/* Falconet egress enforcement: cgroup socket-address programs that decide connect() and unconnected
 * UDP sends from maps user space fills from the loaded rules, and a cgroup ingress program that reads
 * DNS answers from the resolvers before the workload can, admitting the addresses of allowed names
 * for the receiving cgroup. A separate object from the capture probe: it is loaded only when
 * enforcement.mode is not off, and its lifetime (pinned or not) is its own.
 *
 * Policy maps come in two generations (_0 and _1). User space fills the inactive one completely and
 * then flips `generation`; a program reads the generation once and uses one set throughout, so a
 * decision never sees a half-built policy. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "enforce_wire.generated.h"

char LICENSE[] SEC("license") = "GPL";

#define AF_INET_ 2
#define AF_INET6_ 10
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define DNS_PORT 53
#define ETH_P_IP_ 0x0800
#define ETH_P_IPV6_ 0x86DD

/* Exact-address values (bits). */
#define ADDR_ALLOW 1    /* an allowed IP: any port */
#define ADDR_RESOLVER 2 /* a DNS resolver: port 53 is exempt, and its answers are trusted */

/* LPM values. */
#define NET_ALLOW 1   /* an allowed network */
#define NET_PASS 2    /* not outbound (loopback, private, link-local): never decided */
#define NET_DECIDE 3  /* outbound after all (a hole in a NET_PASS network, e.g. the metadata service) */

/* Domain-name suffix values (bits), keyed by the FNV-1a hash of the reversed suffix text. */
#define NAME_EXACT 1 /* the name itself */
#define NAME_ONE 2   /* *.suffix: exactly one more label */
#define NAME_MULTI 4 /* **.suffix: one or more labels */

#define POLICY_ENTRIES 16384
#define NAME_ENTRIES 16384
#define ADMITTED_ENTRIES 65536
#define DNS_NAME_MAX 256
#define DNS_LABELS_MAX 128
#define DNS_ANSWERS_MAX 16
#define DNS_NAME_STEPS 32

struct lpm4_key {
	__u32 prefixlen;
	__u32 addr;
};

struct lpm6_key {
	__u32 prefixlen;
	__u8 addr[16];
};

struct addr6 {
	__u8 addr[16];
};

struct admitted4_key {
	__u64 cgroup_id;
	__u32 addr;
	__u32 pad;
};

struct admitted6_key {
	__u64 cgroup_id;
	__u8 addr[16];
};

struct admitted_value {
	__u64 expires_ns; /* bpf_ktime_get_boot_ns() */
	__u64 name_key;   /* the names-map key that admitted it, so a policy change can withdraw it */
};

struct report_key {
	__u64 cgroup_id;
	__u8 addr[16];
	__u32 port;
	__u32 hook;
};

#define POLICY_MAPS(gen)                                                            \
	struct {                                                                    \
		__uint(type, BPF_MAP_TYPE_HASH);                                    \
		__uint(max_entries, POLICY_ENTRIES);                                \
		__type(key, __u32);                                                 \
		__type(value, __u8);                                                \
	} exact4_##gen SEC(".maps");                                                \
	struct {                                                                    \
		__uint(type, BPF_MAP_TYPE_HASH);                                    \
		__uint(max_entries, POLICY_ENTRIES);                                \
		__type(key, struct addr6);                                          \
		__type(value, __u8);                                                \
	} exact6_##gen SEC(".maps");                                                \
	struct {                                                                    \
		__uint(type, BPF_MAP_TYPE_LPM_TRIE);                                \
		__uint(max_entries, POLICY_ENTRIES);                                \
		__uint(map_flags, BPF_F_NO_PREALLOC);                               \
		__type(key, struct lpm4_key);                                       \
		__type(value, __u8);                                                \
	} net4_##gen SEC(".maps");                                                  \
	struct {                                                                    \
		__uint(type, BPF_MAP_TYPE_LPM_TRIE);                                \
		__uint(max_entries, POLICY_ENTRIES);                                \
		__uint(map_flags, BPF_F_NO_PREALLOC);                               \
		__type(key, struct lpm6_key);                                       \
		__type(value, __u8);                                                \
	} net6_##gen SEC(".maps");                                                  \
	struct {                                                                    \
		__uint(type, BPF_MAP_TYPE_HASH);                                    \
		__uint(max_entries, NAME_ENTRIES);                                  \
		__type(key, __u64);                                                 \
		__type(value, __u8);                                                \
	} names_##gen SEC(".maps");

POLICY_MAPS(0)
POLICY_MAPS(1)

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} generation SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct enforce_settings);
} settings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct enforce_stats);
} stats SEC(".maps");

/* LRU: a workload that resolves without end cannot push out more than its share for long, and user
 * space's ageing keeps expired entries from lingering. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, ADMITTED_ENTRIES);
	__type(key, struct admitted4_key);
	__type(value, struct admitted_value);
} admitted4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, ADMITTED_ENTRIES);
	__type(key, struct admitted6_key);
	__type(value, struct admitted_value);
} admitted6 SEC(".maps");

/* When each (cgroup, destination, hook) was last reported, so a UDP flood is one alert a second. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct report_key);
	__type(value, __u64);
} reported SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} reports SEC(".maps");

enum hook { HOOK_CONNECT4 = 0, HOOK_CONNECT6 = 1, HOOK_SENDMSG4 = 2, HOOK_SENDMSG6 = 3 };

enum outcome { OUT_EXEMPT, OUT_ALLOWED, OUT_UNLISTED };

static __always_inline struct enforce_stats *stats_slot(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&stats, &zero);
}

static __always_inline __u32 active_generation(void)
{
	__u32 zero = 0;
	__u32 *g = bpf_map_lookup_elem(&generation, &zero);
	return g && *g ? 1 : 0;
}

static __always_inline void *exact4_map(__u32 gen) { return gen ? (void *)&exact4_1 : (void *)&exact4_0; }
static __always_inline void *exact6_map(__u32 gen) { return gen ? (void *)&exact6_1 : (void *)&exact6_0; }
static __always_inline void *net4_map(__u32 gen) { return gen ? (void *)&net4_1 : (void *)&net4_0; }
static __always_inline void *net6_map(__u32 gen) { return gen ? (void *)&net6_1 : (void *)&net6_0; }
static __always_inline void *names_map(__u32 gen) { return gen ? (void *)&names_1 : (void *)&names_0; }

/* addr in network order. */
static __always_inline enum outcome decide4(__u32 gen, __u32 addr, __u16 port, __u64 cgroup_id, __u64 now)
{
	__u32 host = bpf_ntohl(addr);
	if (host == 0 || (host >> 24) == 127)
		return OUT_EXEMPT; /* unspecified, loopback */
	__u8 *exact = bpf_map_lookup_elem(exact4_map(gen), &addr);
	if (exact) {
		if (*exact & ADDR_ALLOW)
			return OUT_ALLOWED;
		if ((*exact & ADDR_RESOLVER) && port == DNS_PORT)
			return OUT_EXEMPT;
	}
	struct lpm4_key key = {.prefixlen = 32, .addr = addr};
	__u8 *net = bpf_map_lookup_elem(net4_map(gen), &key);
	if (net) {
		if (*net == NET_ALLOW)
			return OUT_ALLOWED;
		if (*net == NET_PASS)
			return OUT_EXEMPT;
	}
	struct admitted4_key akey = {.cgroup_id = cgroup_id, .addr = addr};
	struct admitted_value *admitted = bpf_map_lookup_elem(&admitted4, &akey);
	if (admitted && admitted->expires_ns > now)
		return OUT_ALLOWED;
	return OUT_UNLISTED;
}

static __always_inline enum outcome decide6(__u32 gen, const struct addr6 *addr, __u16 port, __u64 cgroup_id, __u64 now)
{
	const __u32 *w = (const __u32 *)addr->addr;
	if ((w[0] | w[1] | w[2] | w[3]) == 0)
		return OUT_EXEMPT; /* :: */
	if ((w[0] | w[1] | w[2]) == 0 && w[3] == bpf_htonl(1))
		return OUT_EXEMPT; /* ::1 */
	__u8 *exact = bpf_map_lookup_elem(exact6_map(gen), addr);
	if (exact) {
		if (*exact & ADDR_ALLOW)
			return OUT_ALLOWED;
		if ((*exact & ADDR_RESOLVER) && port == DNS_PORT)
			return OUT_EXEMPT;
	}
	struct lpm6_key key = {.prefixlen = 128};
	__builtin_memcpy(key.addr, addr->addr, 16);
	__u8 *net = bpf_map_lookup_elem(net6_map(gen), &key);
	if (net) {
		if (*net == NET_ALLOW)
			return OUT_ALLOWED;
		if (*net == NET_PASS)
			return OUT_EXEMPT;
	}
	struct admitted6_key akey = {.cgroup_id = cgroup_id};
	__builtin_memcpy(akey.addr, addr->addr, 16);
	struct admitted_value *admitted = bpf_map_lookup_elem(&admitted6, &akey);
	if (admitted && admitted->expires_ns > now)
		return OUT_ALLOWED;
	return OUT_UNLISTED;
}

static __always_inline void report(const struct enforce_settings *cfg, struct enforce_stats *st, __u32 hook, __u32 family,
				   const __u8 *addr, __u16 port, __u32 protocol, __u64 cgroup_id, __u64 now)
{
	struct report_key rkey = {.cgroup_id = cgroup_id, .port = port, .hook = hook};
	__builtin_memcpy(rkey.addr, addr, 16);
	__u64 *last = bpf_map_lookup_elem(&reported, &rkey);
	if (last && now - *last < cfg->report_interval_ns)
		return;
	bpf_map_update_elem(&reported, &rkey, &now, BPF_ANY);
	struct enforce_event *e = bpf_ringbuf_reserve(&reports, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&st->reports_dropped, 1);
		return;
	}
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	e->boot_ns = now;
	e->cgroup_id = cgroup_id;
	e->tgid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->verdict = cfg->mode;
	e->hook = hook;
	e->family = family;
	e->port = port;
	e->protocol = protocol;
	__builtin_memcpy(e->addr, addr, 16);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
}

/* 1: let the call go ahead; 0: reject it (the caller gets EPERM). */
static __always_inline int decide(struct bpf_sock_addr *ctx, __u32 hook)
{
	__u32 zero = 0;
	struct enforce_settings *cfg = bpf_map_lookup_elem(&settings, &zero);
	if (!cfg || cfg->mode == ENFORCE_MODE_OFF)
		return 1;
	struct enforce_stats *st = stats_slot();
	if (!st)
		return 1;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 cgroup_id = bpf_get_current_cgroup_id();
	if ((pid_tgid >> 32) == cfg->own_tgid || (cfg->own_cgroup != 0 && cgroup_id == cfg->own_cgroup)) {
		__sync_fetch_and_add(&st->exempt, 1);
		return 1;
	}
	__u32 gen = active_generation();
	__u64 now = bpf_ktime_get_boot_ns();
	__u16 port = bpf_ntohs((__u16)ctx->user_port);
	__u8 addr[16] = {};
	__u32 family;
	enum outcome outcome;
	if (hook == HOOK_CONNECT4 || hook == HOOK_SENDMSG4) {
		__u32 a4 = ctx->user_ip4;
		family = AF_INET_;
		__builtin_memcpy(addr, &a4, 4);
		outcome = decide4(gen, a4, port, cgroup_id, now);
	} else {
		struct addr6 a6;
		__u32 *w = (__u32 *)a6.addr;
		w[0] = ctx->user_ip6[0];
		w[1] = ctx->user_ip6[1];
		w[2] = ctx->user_ip6[2];
		w[3] = ctx->user_ip6[3];
		if (w[0] == 0 && w[1] == 0 && w[2] == bpf_htonl(0xffff)) {
			/* ::ffff:a.b.c.d from a dual-stack socket is an IPv4 destination */
			__u32 a4 = w[3];
			family = AF_INET_;
			__builtin_memcpy(addr, &a4, 4);
			outcome = decide4(gen, a4, port, cgroup_id, now);
		} else {
			family = AF_INET6_;
			__builtin_memcpy(addr, a6.addr, 16);
			outcome = decide6(gen, &a6, port, cgroup_id, now);
		}
	}
	if (outcome == OUT_EXEMPT) {
		__sync_fetch_and_add(&st->exempt, 1);
		return 1;
	}
	if (outcome == OUT_ALLOWED) {
		__sync_fetch_and_add(&st->allowed, 1);
		return 1;
	}
	__u32 protocol = ctx->protocol;
	if (cfg->mode == ENFORCE_MODE_ENFORCE) {
		__sync_fetch_and_add(&st->denied, 1);
		report(cfg, st, hook, family, addr, port, protocol, cgroup_id, now);
		return 0;
	}
	__sync_fetch_and_add(&st->audited, 1);
	report(cfg, st, hook, family, addr, port, protocol, cgroup_id, now);
	return 1;
}

SEC("cgroup/connect4")
int fnet_connect4(struct bpf_sock_addr *ctx) { return decide(ctx, HOOK_CONNECT4); }

SEC("cgroup/connect6")
int fnet_connect6(struct bpf_sock_addr *ctx) { return decide(ctx, HOOK_CONNECT6); }

SEC("cgroup/sendmsg4")
int fnet_sendmsg4(struct bpf_sock_addr *ctx) { return decide(ctx, HOOK_SENDMSG4); }

SEC("cgroup/sendmsg6")
int fnet_sendmsg6(struct bpf_sock_addr *ctx) { return decide(ctx, HOOK_SENDMSG6); }

/* ---- DNS answers on receive ------------------------------------------------------------------ */

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

struct dns_scratch {
	__u8 name[DNS_NAME_MAX];
	__u64 length_at[DNS_NAME_MAX / 64]; /* bit p: byte p of name is a label length */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dns_scratch);
} dns_scratch SEC(".maps");

/* The DNS loops run under bpf_loop, so the verifier checks each body once instead of every iteration. */

struct label_walk {
	struct dns_scratch *s;
	__u32 n;      /* bytes of name read */
	__u32 pos;    /* offset of the next label length */
	__u32 labels;
	int ended;
	int bad;
};

static long walk_label(__u64 index, void *data)
{
	struct label_walk *w = data;
	if (w->pos >= w->n)
		return 1;
	__u8 len = w->s->name[w->pos & (DNS_NAME_MAX - 1)];
	if (len == 0) {
		w->ended = 1;
		return 1;
	}
	if (len > 63) {
		w->bad = 1; /* a compression pointer or a reserved label type in a question */
		return 1;
	}
	w->s->length_at[(w->pos >> 6) & 3] |= 1ULL << (w->pos & 63);
	w->labels++;
	w->pos += 1 + len;
	return 0;
}

struct suffix_walk {
	struct dns_scratch *s;
	void *names;
	__u32 pos;   /* the name's length without its final zero */
	__u32 label; /* labels not yet passed, counted from the end */
	__u64 h;
	__u64 matched;
	int found;
};

/* Hashes the name from its last byte to its first: at each label boundary the hash is that of the suffix
 * (reversed text, lower case), so one pass looks up every suffix. */
static long hash_suffix(__u64 index, void *data)
{
	struct suffix_walk *w = data;
	if (index >= w->pos)
		return 1;
	__u32 p = (w->pos - 1 - (__u32)index) & (DNS_NAME_MAX - 1);
	if (w->s->length_at[(p >> 6) & 3] & (1ULL << (p & 63))) {
		w->label--;
		__u64 h = w->h;
		__u8 *kind = bpf_map_lookup_elem(w->names, &h);
		if (kind && (((*kind & NAME_EXACT) && w->label == 0) || ((*kind & NAME_ONE) && w->label == 1) ||
			     ((*kind & NAME_MULTI) && w->label >= 1))) {
			w->matched = h;
			w->found = 1;
			return 1;
		}
		w->h = (w->h ^ '.') * FNV_PRIME;
	} else {
		__u8 c = w->s->name[p];
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		w->h = (w->h ^ c) * FNV_PRIME;
	}
	return 0;
}

/* Whether the question name (at `at`, `avail` bytes of message left) is allowed; its names-map key in *matched. */
static __always_inline int question_allowed(struct __sk_buff *skb, __u32 gen, __u32 at, __u32 avail, __u32 *name_len, __u64 *matched)
{
	__u32 zero = 0;
	struct dns_scratch *s = bpf_map_lookup_elem(&dns_scratch, &zero);
	if (!s)
		return 0;
	if (avail < 2)
		return 0;
	__u32 n = avail;
	if (n > DNS_NAME_MAX)
		n = DNS_NAME_MAX;
	/* clang-14 clamps in one register and passes another: pin n, then mask it into [1, DNS_NAME_MAX] */
	asm volatile("" : "+r"(n));
	n = ((n - 1) & (DNS_NAME_MAX - 1)) + 1;
	if (bpf_skb_load_bytes(skb, at, s->name, n) < 0)
		return 0;
	s->length_at[0] = s->length_at[1] = s->length_at[2] = s->length_at[3] = 0;
	struct label_walk lw = {.s = s, .n = n};
	bpf_loop(DNS_LABELS_MAX, walk_label, &lw, 0);
	if (!lw.ended || lw.bad || lw.pos == 0)
		return 0;
	*name_len = lw.pos + 1;
	struct suffix_walk sw = {.s = s, .names = names_map(gen), .pos = lw.pos, .label = lw.labels, .h = FNV_OFFSET};
	bpf_loop(DNS_NAME_MAX, hash_suffix, &sw, 0);
	*matched = sw.matched;
	return sw.found;
}

struct rr_fixed {
	__u16 type;
	__u16 class;
	__u32 ttl;
	__u16 rdlength;
} __attribute__((packed));

struct answer_walk {
	struct __sk_buff *skb;
	const struct enforce_settings *cfg;
	struct enforce_stats *st;
	__u64 cgroup_id;
	__u64 now;
	__u64 name_key;
	__u32 at;
	__u32 end;
	__u32 answers;
};

static long admit_answer(__u64 index, void *data)
{
	struct answer_walk *w = data;
	if (index >= w->answers)
		return 1;
	__u32 at = w->at;
	int named = 0;
	/* skip the owner name: usually a 2-byte pointer to the question */
	for (int i = 0; i < DNS_NAME_STEPS; i++) {
		__u8 len;
		if (at >= w->end || bpf_skb_load_bytes(w->skb, at, &len, 1) < 0)
			return 1;
		if (len == 0) {
			at += 1;
			named = 1;
			break;
		}
		if ((len & 0xc0) == 0xc0) {
			at += 2;
			named = 1;
			break;
		}
		if (len > 63)
			return 1;
		at += 1 + len;
	}
	if (!named)
		return 1;
	struct rr_fixed rr;
	if (at + sizeof(rr) > w->end || bpf_skb_load_bytes(w->skb, at, &rr, sizeof(rr)) < 0)
		return 1;
	at += sizeof(rr);
	__u16 type = bpf_ntohs(rr.type);
	__u16 rdlength = bpf_ntohs(rr.rdlength);
	if (at + rdlength > w->end)
		return 1;
	__u64 ttl_ns = (__u64)bpf_ntohl(rr.ttl) * 1000000000ULL;
	if (ttl_ns < w->cfg->dns_min_ttl_ns)
		ttl_ns = w->cfg->dns_min_ttl_ns;
	if (ttl_ns > w->cfg->dns_max_ttl_ns)
		ttl_ns = w->cfg->dns_max_ttl_ns;
	struct admitted_value value = {.expires_ns = w->now + ttl_ns, .name_key = w->name_key};
	if (type == 1 && rdlength == 4) {
		struct admitted4_key key = {.cgroup_id = w->cgroup_id};
		if (bpf_skb_load_bytes(w->skb, at, &key.addr, 4) == 0) {
			bpf_map_update_elem(&admitted4, &key, &value, BPF_ANY);
			__sync_fetch_and_add(&w->st->dns_admitted, 1);
		}
	} else if (type == 28 && rdlength == 16) {
		struct admitted6_key key = {.cgroup_id = w->cgroup_id};
		if (bpf_skb_load_bytes(w->skb, at, key.addr, 16) == 0) {
			bpf_map_update_elem(&admitted6, &key, &value, BPF_ANY);
			__sync_fetch_and_add(&w->st->dns_admitted, 1);
		}
	}
	w->at = at + rdlength;
	return 0;
}

static __always_inline void admit_answers(struct __sk_buff *skb, const struct enforce_settings *cfg, struct enforce_stats *st,
					  __u32 at, __u32 end, __u16 answers, __u64 name_key)
{
	struct answer_walk w = {
		.skb = skb,
		.cfg = cfg,
		.st = st,
		.cgroup_id = bpf_skb_cgroup_id(skb),
		.now = bpf_ktime_get_boot_ns(),
		.name_key = name_key,
		.at = at,
		.end = end,
		.answers = answers,
	};
	bpf_loop(DNS_ANSWERS_MAX, admit_answer, &w, 0);
}

struct dns_header {
	__u16 id;
	__u16 flags;
	__u16 qdcount;
	__u16 ancount;
	__u16 nscount;
	__u16 arcount;
};

/* Runs on every packet the cgroup's sockets receive, before the socket queues it: an answer is in the
 * admitted map before the workload can read it. Never drops anything. */
SEC("cgroup_skb/ingress")
int fnet_dns_ingress(struct __sk_buff *skb)
{
	__u32 zero = 0;
	struct enforce_settings *cfg = bpf_map_lookup_elem(&settings, &zero);
	if (!cfg || cfg->mode == ENFORCE_MODE_OFF)
		return 1;
	__u32 gen = active_generation();
	__u32 l4;
	__u8 proto;
	__u8 exact;
	__u8 *kind = NULL;
	if (skb->protocol == bpf_htons(ETH_P_IP_)) {
		struct iphdr ip;
		if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)) < 0)
			return 1;
		if (ip.frag_off & bpf_htons(0x3fff))
			return 1; /* a fragment: the message is not whole here */
		proto = ip.protocol;
		l4 = ip.ihl * 4;
		__u32 src = ip.saddr;
		kind = bpf_map_lookup_elem(exact4_map(gen), &src);
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6_)) {
		struct ipv6hdr ip6;
		if (bpf_skb_load_bytes(skb, 0, &ip6, sizeof(ip6)) < 0)
			return 1;
		proto = ip6.nexthdr; /* extension headers: not parsed, the answer is not admitted */
		l4 = sizeof(ip6);
		struct addr6 src;
		__builtin_memcpy(src.addr, &ip6.saddr, 16);
		kind = bpf_map_lookup_elem(exact6_map(gen), &src);
	} else {
		return 1;
	}
	/* only answers from a configured resolver: anyone else could claim any name */
	if (!kind)
		return 1;
	exact = *kind;
	if (!(exact & ADDR_RESOLVER))
		return 1;
	__u32 dns;
	__u32 end = skb->len;
	if (proto == IPPROTO_UDP_) {
		struct udphdr udp;
		if (bpf_skb_load_bytes(skb, l4, &udp, sizeof(udp)) < 0 || udp.source != bpf_htons(DNS_PORT))
			return 1;
		dns = l4 + sizeof(udp);
	} else if (proto == IPPROTO_TCP_) {
		struct tcphdr tcp;
		if (bpf_skb_load_bytes(skb, l4, &tcp, sizeof(tcp)) < 0 || tcp.source != bpf_htons(DNS_PORT))
			return 1;
		__u32 payload = l4 + tcp.doff * 4;
		__u16 prefix;
		/* one whole message in this segment, after its 2-byte length */
		if (bpf_skb_load_bytes(skb, payload, &prefix, 2) < 0 || payload + 2 + bpf_ntohs(prefix) != end)
			return 1;
		dns = payload + 2;
	} else {
		return 1;
	}
	struct dns_header h;
	if (bpf_skb_load_bytes(skb, dns, &h, sizeof(h)) < 0)
		return 1;
	__u16 flags = bpf_ntohs(h.flags);
	if (!(flags & 0x8000) || (flags & 0x000f) != 0 || bpf_ntohs(h.qdcount) != 1)
		return 1; /* not a successful answer to one question */
	struct enforce_stats *st = stats_slot();
	if (!st)
		return 1;
	__sync_fetch_and_add(&st->dns_answers, 1);
	__u32 question = dns + sizeof(h);
	if (question >= end)
		return 1;
	__u32 name_len = 0;
	__u64 name_key = 0;
	if (!question_allowed(skb, gen, question, end - question, &name_len, &name_key))
		return 1;
	admit_answers(skb, cfg, st, question + name_len + 4, end, bpf_ntohs(h.ancount), name_key);
	return 1;
}
