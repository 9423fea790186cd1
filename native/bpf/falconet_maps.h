/* Layouts shared between the BPF program and the .NET loader (src/Falconet.Capture.Bpf/Native).
 * Keep both sides in step: the loader writes settings and reads stats with these exact layouts. */
#ifndef FALCONET_MAPS_H
#define FALCONET_MAPS_H

/* Syscall-enable map: one byte per native syscall number; the last slot stands for the
 * sched_process_exit tracepoint (procexit), which has no syscall number. */
#define FALCONET_ENABLE_SLOTS 512
#define FALCONET_SLOT_PROCEXIT 511

/* settings map, key 0 */
struct falconet_settings {
	__u64 boot_to_epoch_ns; /* added to bpf_ktime_get_boot_ns() to get Unix-epoch timestamps */
	__u32 snaplen;          /* bytes of send/recv payload copied into the data parameter */
	__u32 wakeup_every;     /* force a consumer wake-up every N records per CPU (0/1 = every record) */
	__u32 ignore_tgid;      /* events of this process are not emitted (0 = none) */
	__u32 capture_enabled;  /* 0 = emit nothing (set to 1 after the loader is ready) */
};

/* stats map (per CPU), key 0 */
struct falconet_stats {
	__u64 produced;      /* records the program tried to hand to the ring buffer */
	__u64 dropped_full;  /* of those, rejected because the ring was full */
	__u64 dropped_other; /* of those, not emitted for another reason (scratch map, oversize) */
	__u64 wakeup_counter;
};

#endif
