using System.Collections.Frozen;

namespace Falconet.Fields.ArgumentRendering;

/// <summary>
/// The PPM flag and enum tables named by event parameters (<see cref="Core.Events.ParamInfo.Info"/>), with the
/// driver's PPM_* values (not the kernel's). Entry order is the order libs renders in.
/// Tables not listed here render as the bare number (see <see cref="TryGet"/>).
/// </summary>
public static class FlagTables
{
    private static FlagName F(string name, uint value) => new(name, value);

    private static readonly FlagName[] s_modeBits =
    [
        F("S_IXOTH", 1u << 0), F("S_IWOTH", 1u << 1), F("S_IROTH", 1u << 2),
        F("S_IXGRP", 1u << 3), F("S_IWGRP", 1u << 4), F("S_IRGRP", 1u << 5),
        F("S_IXUSR", 1u << 6), F("S_IWUSR", 1u << 7), F("S_IRUSR", 1u << 8),
        F("S_ISVTX", 1u << 9), F("S_ISGID", 1u << 10), F("S_ISUID", 1u << 11),
    ];

    private static readonly FrozenDictionary<string, FlagTable> s_tables = new FlagTable[]
    {
        new("socket_families",
        [
            F("AF_NFC", 39), F("AF_ALG", 38), F("AF_CAIF", 37), F("AF_IEEE802154", 36), F("AF_PHONET", 35),
            F("AF_ISDN", 34), F("AF_RXRPC", 33), F("AF_IUCV", 32), F("AF_BLUETOOTH", 31), F("AF_TIPC", 30),
            F("AF_CAN", 29), F("AF_LLC", 26), F("AF_WANPIPE", 25), F("AF_PPPOX", 24), F("AF_IRDA", 23),
            F("AF_SNA", 22), F("AF_RDS", 21), F("AF_ATMSVC", 20), F("AF_ECONET", 19), F("AF_ASH", 18),
            F("AF_PACKET", 17), F("AF_ROUTE", 16), F("AF_NETLINK", 16), F("AF_KEY", 15), F("AF_SECURITY", 14),
            F("AF_NETBEUI", 13), F("AF_DECnet", 12), F("AF_ROSE", 11), F("AF_INET6", 10), F("AF_X25", 9),
            F("AF_ATMPVC", 8), F("AF_BRIDGE", 7), F("AF_NETROM", 6), F("AF_APPLETALK", 5), F("AF_IPX", 4),
            F("AF_AX25", 3), F("AF_INET", 2), F("AF_LOCAL", 1), F("AF_UNIX", 1), F("AF_UNSPEC", 0),
        ]),
        new("file_flags",
        [
            F("O_LARGEFILE", 1u << 11), F("O_DIRECTORY", 1u << 10), F("O_DIRECT", 1u << 9), F("O_TRUNC", 1u << 8),
            F("O_SYNC", 1u << 7), F("O_NONBLOCK", 1u << 6), F("O_EXCL", 1u << 5), F("O_DSYNC", 1u << 4),
            F("O_APPEND", 1u << 3), F("O_CREAT", 1u << 2), F("O_RDWR", 3), F("O_WRONLY", 1u << 1),
            F("O_RDONLY", 1u << 0), F("O_CLOEXEC", 1u << 12), F("O_NONE", 0), F("O_TMPFILE", 1u << 13),
            F("O_F_CREATED", 1u << 14),
        ]),
        new("creat_flags", [F("O_F_CREATED", 1u << 14)]),
        new("flock_flags", [F("LOCK_SH", 1), F("LOCK_EX", 2), F("LOCK_NB", 4), F("LOCK_UN", 8), F("LOCK_NONE", 0)]),
        new("clone_flags",
        [
            F("CLONE_FILES", 1u << 0), F("CLONE_FS", 1u << 1), F("CLONE_IO", 1u << 2), F("CLONE_NEWIPC", 1u << 3),
            F("CLONE_NEWNET", 1u << 4), F("CLONE_NEWNS", 1u << 5), F("CLONE_NEWPID", 1u << 6), F("CLONE_NEWUTS", 1u << 7),
            F("CLONE_PARENT", 1u << 8), F("CLONE_PARENT_SETTID", 1u << 9), F("CLONE_PTRACE", 1u << 10),
            F("CLONE_SIGHAND", 1u << 11), F("CLONE_SYSVSEM", 1u << 12), F("CLONE_THREAD", 1u << 13),
            F("CLONE_UNTRACED", 1u << 14), F("CLONE_VM", 1u << 15), F("CLONE_INVERTED", 1u << 16),
            F("NAME_CHANGED", 1u << 17), F("CLOSED", 1u << 18), F("CLONE_NEWUSER", 1u << 20),
            F("CLONE_CHILD_CLEARTID", 1u << 23), F("CLONE_CHILD_SETTID", 1u << 24), F("CLONE_SETTLS", 1u << 25),
            F("CLONE_STOPPED", 1u << 26), F("CLONE_VFORK", 1u << 27), F("CLONE_NEWCGROUP", 1u << 28),
        ]),
        new("futex_operations",
        [
            F("FUTEX_CLOCK_REALTIME", 256), F("FUTEX_PRIVATE_FLAG", 128), F("FUTEX_CMP_REQUEUE_PI", 12),
            F("FUTEX_WAIT_REQUEUE_PI", 11), F("FUTEX_WAKE_BITSET", 10), F("FUTEX_WAIT_BITSET", 9),
            F("FUTEX_TRYLOCK_PI", 8), F("FUTEX_UNLOCK_PI", 7), F("FUTEX_LOCK_PI", 6), F("FUTEX_WAKE_OP", 5),
            F("FUTEX_CMP_REQUEUE", 4), F("FUTEX_REQUEUE", 3), F("FUTEX_FD", 2), F("FUTEX_WAKE", 1), F("FUTEX_WAIT", 0),
        ]),
        new("poll_flags",
        [
            F("POLLIN", 1u << 0), F("POLLPRI", 1u << 1), F("POLLOUT", 1u << 2), F("POLLRDHUP", 1u << 3),
            F("POLLERR", 1u << 4), F("POLLHUP", 1u << 5), F("POLLNVAL", 1u << 6), F("POLLRDNORM", 1u << 7),
            F("POLLRDBAND", 1u << 8), F("POLLWRNORM", 1u << 9), F("POLLWRBAND", 1u << 10),
        ]),
        new("mount_flags",
        [
            F("RDONLY", 1u << 0), F("NOSUID", 1u << 1), F("NODEV", 1u << 2), F("NOEXEC", 1u << 3),
            F("SYNCHRONOUS", 1u << 4), F("REMOUNT", 1u << 5), F("MANDLOCK", 1u << 6), F("DIRSYNC", 1u << 7),
            F("NOATIME", 1u << 10), F("NODIRATIME", 1u << 11), F("BIND", 1u << 12), F("MOVE", 1u << 13),
            F("REC", 1u << 14), F("SILENT", 1u << 15), F("POSIXACL", 1u << 16), F("UNBINDABLE", 1u << 17),
            F("PRIVATE", 1u << 18), F("SLAVE", 1u << 19), F("SHARED", 1u << 20), F("RELATIME", 1u << 21),
            F("KERNMOUNT", 1u << 22), F("I_VERSION", 1u << 23), F("STRICTATIME", 1u << 24), F("LAZYTIME", 1u << 25),
            F("NOSEC", 1u << 28), F("BORN", 1u << 29), F("ACTIVE", 1u << 30), F("NOUSER", 1u << 31),
        ]),
        new("umount_flags", [F("FORCE", 1), F("DETACH", 2), F("EXPIRE", 4), F("NOFOLLOW", 8)]),
        new("lseek_whence", [F("SEEK_END", 2), F("SEEK_CUR", 1), F("SEEK_SET", 0)]),
        new("shutdown_how", [F("SHUT_RDWR", 2), F("SHUT_WR", 1), F("SHUT_RD", 0)]),
        new("rlimit_resources",
        [
            F("RLIMIT_UNKNOWN", 255), F("RLIMIT_RTTIME", 15), F("RLIMIT_RTPRIO", 14), F("RLIMIT_NICE", 13),
            F("RLIMIT_MSGQUEUE", 12), F("RLIMIT_SIGPENDING", 11), F("RLIMIT_LOCKS", 10), F("RLIMIT_AS", 9),
            F("RLIMIT_MEMLOCK", 8), F("RLIMIT_NOFILE", 7), F("RLIMIT_NPROC", 6), F("RLIMIT_RSS", 5),
            F("RLIMIT_CORE", 4), F("RLIMIT_STACK", 3), F("RLIMIT_DATA", 2), F("RLIMIT_FSIZE", 1), F("RLIMIT_CPU", 0),
        ]),
        new("fcntl_commands",
        [
            F("F_GETPIPE_SZ", 29), F("F_SETPIPE_SZ", 28), F("F_NOTIFY", 27), F("F_DUPFD_CLOEXEC", 26),
            F("F_CANCELLK", 25), F("F_GETLEASE", 24), F("F_SETLEASE", 23), F("F_GETOWN_EX", 22), F("F_SETOWN_EX", 21),
            F("F_GETSIG", 15), F("F_SETSIG", 13), F("F_GETOWN", 12), F("F_SETOWN", 10), F("F_SETLKW", 9),
            F("F_SETLK", 8), F("F_GETLK", 6), F("F_SETFL", 5), F("F_GETFL", 4), F("F_SETFD", 3), F("F_GETFD", 2),
            F("F_DUPFD", 1), F("F_OFD_GETLK", 30), F("F_OFD_SETLK", 31), F("F_OFD_SETLKW", 32), F("UNKNOWN", 0),
        ]),
        new("sockopt_levels", [F("SOL_SOCKET", 1), F("SOL_TCP", 2), F("UNKNOWN", 0)]),
        new("sockopt_options",
        [
            F("SO_COOKIE", 53), F("SO_MEMINFO", 52), F("SO_PEERGROUPS", 51), F("SO_ATTACH_BPF", 50),
            F("SO_INCOMING_CPU", 49), F("SO_BPF_EXTENSIONS", 48), F("SO_MAX_PACING_RATE", 47), F("SO_BUSY_POLL", 46),
            F("SO_SELECT_ERR_QUEUE", 45), F("SO_LOCK_FILTER", 44), F("SO_NOFCS", 43), F("SO_PEEK_OFF", 42),
            F("SO_WIFI_STATUS", 41), F("SO_RXQ_OVFL", 40), F("SO_DOMAIN", 39), F("SO_PROTOCOL", 38),
            F("SO_TIMESTAMPING", 37), F("SO_MARK", 36), F("SO_TIMESTAMPNS", 35), F("SO_PASSSEC", 34),
            F("SO_PEERSEC", 31), F("SO_ACCEPTCONN", 30), F("SO_TIMESTAMP", 29), F("SO_PEERNAME", 28),
            F("SO_DETACH_FILTER", 27), F("SO_ATTACH_FILTER", 26), F("SO_BINDTODEVICE", 25),
            F("SO_SECURITY_ENCRYPTION_NETWORK", 24), F("SO_SECURITY_ENCRYPTION_TRANSPORT", 23),
            F("SO_SECURITY_AUTHENTICATION", 22), F("SO_SNDTIMEO", 21), F("SO_RCVTIMEO", 20), F("SO_SNDLOWAT", 19),
            F("SO_RCVLOWAT", 18), F("SO_PEERCRED", 17), F("SO_PASSCRED", 16), F("SO_REUSEPORT", 15),
            F("SO_BSDCOMPAT", 14), F("SO_LINGER", 13), F("SO_PRIORITY", 12), F("SO_NO_CHECK", 11),
            F("SO_OOBINLINE", 10), F("SO_KEEPALIVE", 9), F("SO_RCVBUFFORCE", 33), F("SO_SNDBUFFORCE", 32),
            F("SO_RCVBUF", 8), F("SO_SNDBUF", 7), F("SO_BROADCAST", 6), F("SO_DONTROUTE", 5), F("SO_ERROR", 4),
            F("SO_TYPE", 3), F("SO_REUSEADDR", 2), F("SO_DEBUG", 1), F("UNKNOWN", 0),
        ]),
        new("ptrace_requests",
        [
            F("PTRACE_SINGLEBLOCK", 38), F("PTRACE_SYSEMU_SINGLESTEP", 37), F("PTRACE_SYSEMU", 36),
            F("PTRACE_ARCH_PRCTL", 35), F("PTRACE_SET_THREAD_AREA", 34), F("PTRACE_GET_THREAD_AREA", 33),
            F("PTRACE_OLDSETOPTIONS", 32), F("PTRACE_SETFPXREGS", 31), F("PTRACE_GETFPXREGS", 30),
            F("PTRACE_SETFPREGS", 29), F("PTRACE_GETFPREGS", 28), F("PTRACE_SETREGS", 27), F("PTRACE_GETREGS", 26),
            F("PTRACE_SETSIGMASK", 25), F("PTRACE_GETSIGMASK", 24), F("PTRACE_PEEKSIGINFO", 23), F("PTRACE_LISTEN", 22),
            F("PTRACE_INTERRUPT", 21), F("PTRACE_SEIZE", 20), F("PTRACE_SETREGSET", 19), F("PTRACE_GETREGSET", 18),
            F("PTRACE_SETSIGINFO", 17), F("PTRACE_GETSIGINFO", 16), F("PTRACE_GETEVENTMSG", 15),
            F("PTRACE_SETOPTIONS", 14), F("PTRACE_SYSCALL", 13), F("PTRACE_DETACH", 12), F("PTRACE_ATTACH", 11),
            F("PTRACE_SINGLESTEP", 10), F("PTRACE_KILL", 9), F("PTRACE_CONT", 8), F("PTRACE_POKEUSR", 7),
            F("PTRACE_POKEDATA", 6), F("PTRACE_POKETEXT", 5), F("PTRACE_PEEKUSR", 4), F("PTRACE_PEEKDATA", 3),
            F("PTRACE_PEEKTEXT", 2), F("PTRACE_TRACEME", 1), F("PTRACE_UNKNOWN", 0),
        ]),
        new("prot_flags",
        [
            F("PROT_READ", 1u << 0), F("PROT_WRITE", 1u << 1), F("PROT_EXEC", 1u << 2), F("PROT_SEM", 1u << 3),
            F("PROT_GROWSDOWN", 1u << 4), F("PROT_GROWSUP", 1u << 5), F("PROT_SAO", 1u << 6), F("PROT_NONE", 0),
        ]),
        new("mmap_flags",
        [
            F("MAP_SHARED", 1u << 0), F("MAP_PRIVATE", 1u << 1), F("MAP_FIXED", 1u << 2), F("MAP_ANONYMOUS", 1u << 3),
            F("MAP_32BIT", 1u << 4), F("MAP_RENAME", 1u << 5), F("MAP_NORESERVE", 1u << 6), F("MAP_POPULATE", 1u << 7),
            F("MAP_NONBLOCK", 1u << 8), F("MAP_GROWSDOWN", 1u << 9), F("MAP_DENYWRITE", 1u << 10),
            F("MAP_EXECUTABLE", 1u << 11), F("MAP_INHERIT", 1u << 12), F("MAP_FILE", 1u << 13), F("MAP_LOCKED", 1u << 14),
        ]),
        new("splice_flags", [F("SPLICE_F_MOVE", 1), F("SPLICE_F_NONBLOCK", 2), F("SPLICE_F_MORE", 4), F("SPLICE_F_GIFT", 8)]),
        new("quotactl_dqi_flags", [F("DQF_NONE", 1), F("V1_DQF_RSQUASH", 2)]),
        new("quotactl_cmds",
        [
            F("Q_QUOTAON", 1u << 0), F("Q_QUOTAOFF", 1u << 1), F("Q_GETFMT", 1u << 2), F("Q_GETINFO", 1u << 3),
            F("Q_SETINFO", 1u << 4), F("Q_GETQUOTA", 1u << 5), F("Q_SETQUOTA", 1u << 6), F("Q_SYNC", 1u << 7),
            F("Q_XQUOTAON", 1u << 8), F("Q_XQUOTAOFF", 1u << 9), F("Q_XGETQUOTA", 1u << 10), F("Q_XSETQLIM", 1u << 11),
            F("Q_XGETQSTAT", 1u << 12), F("Q_XQUOTARM", 1u << 13), F("Q_XQUOTASYNC", 1u << 14),
        ]),
        new("quotactl_types", [F("USRQUOTA", 1), F("GRPQUOTA", 2)]),
        new("quotactl_quota_fmts", [F("QFMT_NOT_USED", 1), F("QFMT_VFS_OLD", 2), F("QFMT_VFS_V0", 4), F("QFMT_VFS_V1", 8)]),
        new("semop_flags", [F("IPC_NOWAIT", 1), F("SEM_UNDO", 2)]),
        new("semget_flags", [F("IPC_EXCL", 1u << 14), F("IPC_CREAT", 1u << 13)]),
        new("semctl_commands",
        [
            F("IPC_STAT", 1u << 0), F("IPC_SET", 1u << 1), F("IPC_RMID", 1u << 2), F("IPC_INFO", 1u << 3),
            F("SEM_INFO", 1u << 4), F("SEM_STAT", 1u << 5), F("GETALL", 1u << 6), F("GETNCNT", 1u << 7),
            F("GETPID", 1u << 8), F("GETVAL", 1u << 9), F("GETZCNT", 1u << 10), F("SETALL", 1u << 11), F("SETVAL", 1u << 12),
        ]),
        new("access_flags", [F("F_OK", 0), F("R_OK", 1u << 2), F("W_OK", 1u << 1), F("X_OK", 1u << 0)]),
        new("pf_flags",
        [
            F("PROTECTION_VIOLATION", 1u << 0), F("PAGE_NOT_PRESENT", 1u << 1), F("WRITE_ACCESS", 1u << 2),
            F("READ_ACCESS", 1u << 3), F("USER_FAULT", 1u << 4), F("SUPERVISOR_FAULT", 1u << 5),
            F("RESERVED_PAGE", 1u << 6), F("INSTRUCTION_FETCH", 1u << 7),
        ]),
        new("unlinkat_flags", [F("AT_REMOVEDIR", 0x200)]),
        new("linkat_flags", [F("AT_SYMLINK_FOLLOW", 0x400), F("AT_EMPTY_PATH", 0x1000)]),
        new("fchownat_flags", [F("AT_SYMLINK_NOFOLLOW", 0x400), F("AT_EMPTY_PATH", 0x1000)]),
        new("renameat2_flags", [F("RENAME_NOREPLACE", 1), F("RENAME_EXCHANGE", 2), F("RENAME_WHITEOUT", 4)]),
        new("openat2_flags",
        [
            F("RESOLVE_BENEATH", 1u << 0), F("RESOLVE_IN_ROOT", 1u << 1), F("RESOLVE_NO_MAGICLINKS", 1u << 2),
            F("RESOLVE_NO_SYMLINKS", 1u << 3), F("RESOLVE_NO_XDEV", 1u << 4), F("RESOLVE_CACHED", 1u << 5),
        ]),
        new("execve_flags", [F("EXE_WRITABLE", 1u << 0), F("EXE_UPPER_LAYER", 1u << 1), F("EXE_FROM_MEMFD", 1u << 2), F("EXE_LOWER_LAYER", 1u << 3)]),
        new("execveat_flags", [F("AT_EMPTY_PATH", 1u << 0), F("AT_SYMLINK_NOFOLLOW", 1u << 1)]),
        new("io_uring_setup_flags",
        [
            F("IORING_SETUP_IOPOLL", 1u << 0), F("IORING_SETUP_SQPOLL", 1u << 1), F("IORING_SQ_NEED_WAKEUP", 1u << 2),
            F("IORING_SETUP_SQ_AFF", 1u << 3), F("IORING_SETUP_CQSIZE", 1u << 4), F("IORING_SETUP_CLAMP", 1u << 5),
            F("IORING_SETUP_ATTACH_RW", 1u << 6), F("IORING_SETUP_R_DISABLED", 1u << 7),
        ]),
        new("io_uring_setup_feats",
        [
            F("IORING_FEAT_SINGLE_MMAP", 1u << 0), F("IORING_FEAT_NODROP", 1u << 1), F("IORING_FEAT_SUBMIT_STABLE", 1u << 2),
            F("IORING_FEAT_RW_CUR_POS", 1u << 3), F("IORING_FEAT_CUR_PERSONALITY", 1u << 4), F("IORING_FEAT_FAST_POLL", 1u << 5),
            F("IORING_FEAT_POLL_32BITS", 1u << 6), F("IORING_FEAT_SQPOLL_NONFIXED", 1u << 7),
            F("IORING_FEAT_ENTER_EXT_ARG", 1u << 8), F("IORING_FEAT_NATIVE_WORKERS", 1u << 9), F("IORING_FEAT_RSRC_TAGS", 1u << 10),
        ]),
        new("io_uring_enter_flags",
        [
            F("IORING_ENTER_GETEVENTS", 1u << 0), F("IORING_ENTER_SQ_WAKEUP", 1u << 1),
            F("IORING_ENTER_SQ_WAIT", 1u << 2), F("IORING_ENTER_EXT_ARG", 1u << 3),
        ]),
        new("io_uring_register_opcodes",
        [
            F("IORING_REGISTER_BUFFERS", 1), F("IORING_UNREGISTER_BUFFERS", 2), F("IORING_REGISTER_FILES", 3),
            F("IORING_UNREGISTER_FILES", 4), F("IORING_REGISTER_EVENTFD", 5), F("IORING_UNREGISTER_EVENTFD", 6),
            F("IORING_REGISTER_FILES_UPDATE", 7), F("IORING_REGISTER_EVENTFD_ASYNC", 8), F("IORING_REGISTER_PROBE", 9),
            F("IORING_REGISTER_PERSONALITY", 10), F("IORING_UNREGISTER_PERSONALITY", 11),
            F("IORING_REGISTER_RESTRICTIONS", 12), F("IORING_REGISTER_ENABLE_RINGS", 13), F("IORING_REGISTER_FILES2", 14),
            F("IORING_REGISTER_FILES_UPDATE2", 15), F("IORING_REGISTER_BUFFERS2", 16), F("IORING_REGISTER_BUFFERS_UPDATE", 17),
            F("IORING_REGISTER_IOWQ_AFF", 18), F("IORING_UNREGISTER_IOWQ_AFF", 19), F("IORING_REGISTER_IOWQ_MAX_WORKERS", 20),
            F("IORING_REGISTER_RING_FDS", 21), F("IORING_UNREGISTER_RING_FDS", 22),
        ]),
        new("mlockall_flags", [F("MCL_CURRENT", 1), F("MCL_FUTURE", 2), F("MCL_ONFAULT", 4)]),
        new("mlock2_flags", [F("MLOCK_ONFAULT", 1)]),
        new("epoll_create1_flags", [F("EPOLL_CLOEXEC", 1)]),
        new("memfd_create_flags", [F("MFD_CLOEXEC", 1), F("MFD_ALLOW_SEALING", 2), F("MFD_HUGETLB", 4)]),
        new("pidfd_open_flags", [F("PIDFD_NONBLOCK", 1)]),
        new("chmod_mode", s_modeBits),
        // libs also names the S_IF* file-type bits in mknod_mode; their PPM values are not in our reference, so only the permission bits print.
        new("mknod_mode", s_modeBits),
    }.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>The table called <paramref name="name"/>; false for tables we do not carry (their values render as numbers only).</summary>
    public static bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FlagTable? table) =>
        s_tables.TryGetValue(name, out table);

    /// <summary>The names of every table, for checking the event table against them.</summary>
    public static IEnumerable<string> Names => s_tables.Keys;
}
