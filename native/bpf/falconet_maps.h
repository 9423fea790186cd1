/* Sizes and maps of the probe. The layouts of the settings and stats values and the enable-map
 * slots are generated (falconet_wire.generated.h), so the .NET loader and the program agree. */
#ifndef FALCONET_MAPS_H
#define FALCONET_MAPS_H

#include "falconet_wire.generated.h"

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
#define IOV_MAX_READ 8 /* iovecs whose lengths make a call's size */
#define IOV_COPY 4     /* of those, the iovecs whose bytes go into the data parameter */

#define S_IFMT_ 0170000
#define S_IFSOCK_ 0140000
#define AF_UNIX_ 1
#define AF_INET_ 2
#define AF_INET6_ 10
#define FMODE_CREATED_ 0x100000
#define EINPROGRESS_ 115

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

#endif
