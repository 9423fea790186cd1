/* Conversions from Linux flag values to the PPM_* encodings the scap event layout uses. */
#ifndef FALCONET_FLAGS_H
#define FALCONET_FLAGS_H

#include "falconet_wire.generated.h"

/* open_flags_to_ppm is generated with the PPM_O_* table it encodes. */

static __always_inline __u32 clone_flags_to_ppm(__u64 f)
{
	__u32 r = 0;
	if (f & 0x00000400) r |= 1 << 0;  /* CLONE_FILES */
	if (f & 0x00000200) r |= 1 << 1;  /* CLONE_FS */
	if (f & 0x80000000) r |= 1 << 2;  /* CLONE_IO */
	if (f & 0x08000000) r |= 1 << 3;  /* CLONE_NEWIPC */
	if (f & 0x40000000) r |= 1 << 4;  /* CLONE_NEWNET */
	if (f & 0x00020000) r |= 1 << 5;  /* CLONE_NEWNS */
	if (f & 0x20000000) r |= 1 << 6;  /* CLONE_NEWPID */
	if (f & 0x04000000) r |= 1 << 7;  /* CLONE_NEWUTS */
	if (f & 0x00008000) r |= 1 << 8;  /* CLONE_PARENT */
	if (f & 0x00100000) r |= 1 << 9;  /* CLONE_PARENT_SETTID */
	if (f & 0x00002000) r |= 1 << 10; /* CLONE_PTRACE */
	if (f & 0x00000800) r |= 1 << 11; /* CLONE_SIGHAND */
	if (f & 0x00040000) r |= 1 << 12; /* CLONE_SYSVSEM */
	if (f & 0x00010000) r |= 1 << 13; /* CLONE_THREAD */
	if (f & 0x00800000) r |= 1 << 14; /* CLONE_UNTRACED */
	if (f & 0x00000100) r |= 1 << 15; /* CLONE_VM */
	if (f & 0x10000000) r |= 1 << 20; /* CLONE_NEWUSER */
	if (f & 0x00200000) r |= 1 << 23; /* CLONE_CHILD_CLEARTID */
	if (f & 0x01000000) r |= 1 << 24; /* CLONE_CHILD_SETTID */
	if (f & 0x00080000) r |= 1 << 25; /* CLONE_SETTLS */
	if (f & 0x00004000) r |= 1 << 27; /* CLONE_VFORK */
	if (f & 0x02000000) r |= 1 << 28; /* CLONE_NEWCGROUP */
	return r;
}

#define PPM_CL_CHILD_IN_PIDNS (1 << 29)

static __always_inline __u16 ptrace_request_to_ppm(long req)
{
	switch (req) {
	case 0: return 1;      /* TRACEME */
	case 1: return 2;      /* PEEKTEXT */
	case 2: return 3;      /* PEEKDATA */
	case 3: return 4;      /* PEEKUSR */
	case 4: return 5;      /* POKETEXT */
	case 5: return 6;      /* POKEDATA */
	case 6: return 7;      /* POKEUSR */
	case 7: return 8;      /* CONT */
	case 8: return 9;      /* KILL */
	case 9: return 10;     /* SINGLESTEP */
	case 12: return 26;    /* GETREGS */
	case 13: return 27;    /* SETREGS */
	case 14: return 28;    /* GETFPREGS */
	case 15: return 29;    /* SETFPREGS */
	case 16: return 11;    /* ATTACH */
	case 17: return 12;    /* DETACH */
	case 18: return 30;    /* GETFPXREGS */
	case 19: return 31;    /* SETFPXREGS */
	case 24: return 13;    /* SYSCALL */
	case 0x4200: return 14; /* SETOPTIONS */
	case 0x4201: return 15; /* GETEVENTMSG */
	case 0x4202: return 16; /* GETSIGINFO */
	case 0x4203: return 17; /* SETSIGINFO */
	case 0x4204: return 18; /* GETREGSET */
	case 0x4205: return 19; /* SETREGSET */
	case 0x4206: return 20; /* SEIZE */
	case 0x4207: return 21; /* INTERRUPT */
	case 0x4208: return 22; /* LISTEN */
	case 0x4209: return 23; /* PEEKSIGINFO */
	case 0x420a: return 24; /* GETSIGMASK */
	case 0x420b: return 25; /* SETSIGMASK */
	default: return 0;     /* UNKNOWN */
	}
}

/* socket(2) type carries SOCK_NONBLOCK / SOCK_CLOEXEC; the exit event reports them as file flags. */
static __always_inline __u32 socket_type_flags_to_ppm(__u32 type)
{
	__u32 r = 0;
	if (type & F_O_NONBLOCK) r |= PPM_O_NONBLOCK;
	if (type & F_O_CLOEXEC) r |= PPM_O_CLOEXEC;
	return r;
}

#endif
