/* Record writer: builds one scap event (v2 header, u16 lengths) in the per-CPU scratch area, then
 * hands it to the ring buffer and counts it. */
#ifndef FALCONET_WRITER_H
#define FALCONET_WRITER_H

#include "falconet_maps.h"

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

/* The enable-map value of a slot: MODE_OFF, MODE_ALL or MODE_DNS_ONLY. */
static __always_inline __u8 slot_mode(__u32 slot)
{
	__u8 *mode = bpf_map_lookup_elem(&syscall_enabled, &slot);
	return mode ? *mode : MODE_OFF;
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

#endif
