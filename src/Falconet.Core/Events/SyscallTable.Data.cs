namespace Falconet.Core.Events;

public static partial class SyscallTable
{
    // A nested class so that the tables exist before SyscallTable's own static fields read them.
    private static class Data
    {
        // PPM_SC codes of the libs ppm_sc_code list (driver/ppm_events_public.h) with the names libsinsp reports for them.
        // The codes are stable since the 2018 drivers: a 2018 capture's generic events (mprotect 75, arch_prctl 296,
        // exit_group 164, ...) name the same syscalls (checked against sysdig 0.29.3). Width variants share a name
        // (setuid32 → setuid, prlimit64 → prlimit, _llseek → llseek), as in Falco's list of event type names.
        // Left out: 0 (unknown), 382 (never assigned), 396-400 (tracepoints, not syscalls).
        public static readonly (ushort Code, string Name)[] Codes =
        [
            (1, "restart_syscall"), (2, "exit"), (3, "read"), (4, "write"), (5, "open"), (6, "close"), (7, "creat"), (8, "link"),
            (9, "unlink"), (10, "chdir"), (11, "time"), (12, "mknod"), (13, "chmod"), (14, "stat"), (15, "lseek"), (16, "getpid"),
            (17, "mount"), (18, "ptrace"), (19, "alarm"), (20, "fstat"), (21, "pause"), (22, "utime"), (23, "access"), (24, "sync"),
            (25, "kill"), (26, "rename"), (27, "mkdir"), (28, "rmdir"), (29, "dup"), (30, "pipe"), (31, "times"), (32, "brk"), (33, "acct"),
            (34, "ioctl"), (35, "fcntl"), (36, "setpgid"), (37, "umask"), (38, "chroot"), (39, "ustat"), (40, "dup2"), (41, "getppid"),
            (42, "getpgrp"), (43, "setsid"), (44, "sethostname"), (45, "setrlimit"), (46, "getrusage"), (47, "gettimeofday"),
            (48, "settimeofday"), (49, "symlink"), (50, "lstat"), (51, "readlink"), (52, "uselib"), (53, "swapon"), (54, "reboot"),
            (55, "mmap"), (56, "munmap"), (57, "truncate"), (58, "ftruncate"), (59, "fchmod"), (60, "getpriority"), (61, "setpriority"),
            (62, "statfs"), (63, "fstatfs"), (64, "syslog"), (65, "setitimer"), (66, "getitimer"), (67, "uname"), (68, "vhangup"),
            (69, "wait4"), (70, "swapoff"), (71, "sysinfo"), (72, "fsync"), (73, "setdomainname"), (74, "adjtimex"), (75, "mprotect"),
            (76, "init_module"), (77, "delete_module"), (78, "quotactl"), (79, "getpgid"), (80, "fchdir"), (81, "sysfs"), (82, "personality"),
            (83, "getdents"), (84, "select"), (85, "flock"), (86, "msync"), (87, "readv"), (88, "writev"), (89, "getsid"), (90, "fdatasync"),
            (91, "mlock"), (92, "munlock"), (93, "mlockall"), (94, "munlockall"), (95, "sched_setparam"), (96, "sched_getparam"),
            (97, "sched_setscheduler"), (98, "sched_getscheduler"), (99, "sched_yield"), (100, "sched_get_priority_max"),
            (101, "sched_get_priority_min"), (102, "sched_rr_get_interval"), (103, "nanosleep"), (104, "mremap"), (105, "poll"),
            (106, "prctl"), (107, "rt_sigaction"), (108, "rt_sigprocmask"), (109, "rt_sigpending"), (110, "rt_sigtimedwait"),
            (111, "rt_sigqueueinfo"), (112, "rt_sigsuspend"), (113, "getcwd"), (114, "capget"), (115, "capset"), (116, "sendfile"),
            (117, "getrlimit"), (118, "lchown"), (119, "getuid"), (120, "getgid"), (121, "geteuid"), (122, "getegid"), (123, "setreuid"),
            (124, "setregid"), (125, "getgroups"), (126, "setgroups"), (127, "fchown"), (128, "setresuid"), (129, "getresuid"),
            (130, "setresgid"), (131, "getresgid"), (132, "chown"), (133, "setuid"), (134, "setgid"), (135, "setfsuid"), (136, "setfsgid"),
            (137, "pivot_root"), (138, "mincore"), (139, "madvise"), (140, "gettid"), (141, "setxattr"), (142, "lsetxattr"),
            (143, "fsetxattr"), (144, "getxattr"), (145, "lgetxattr"), (146, "fgetxattr"), (147, "listxattr"), (148, "llistxattr"),
            (149, "flistxattr"), (150, "removexattr"), (151, "lremovexattr"), (152, "fremovexattr"), (153, "tkill"), (154, "futex"),
            (155, "sched_setaffinity"), (156, "sched_getaffinity"), (157, "set_thread_area"), (158, "get_thread_area"), (159, "io_setup"),
            (160, "io_destroy"), (161, "io_getevents"), (162, "io_submit"), (163, "io_cancel"), (164, "exit_group"), (165, "epoll_create"),
            (166, "epoll_ctl"), (167, "epoll_wait"), (168, "remap_file_pages"), (169, "set_tid_address"), (170, "timer_create"),
            (171, "timer_settime"), (172, "timer_gettime"), (173, "timer_getoverrun"), (174, "timer_delete"), (175, "clock_settime"),
            (176, "clock_gettime"), (177, "clock_getres"), (178, "clock_nanosleep"), (179, "tgkill"), (180, "utimes"), (181, "mq_open"),
            (182, "mq_unlink"), (183, "mq_timedsend"), (184, "mq_timedreceive"), (185, "mq_notify"), (186, "mq_getsetattr"),
            (187, "kexec_load"), (188, "waitid"), (189, "add_key"), (190, "request_key"), (191, "keyctl"), (192, "ioprio_set"),
            (193, "ioprio_get"), (194, "inotify_init"), (195, "inotify_add_watch"), (196, "inotify_rm_watch"), (197, "openat"),
            (198, "mkdirat"), (199, "mknodat"), (200, "fchownat"), (201, "futimesat"), (202, "unlinkat"), (203, "renameat"), (204, "linkat"),
            (205, "symlinkat"), (206, "readlinkat"), (207, "fchmodat"), (208, "faccessat"), (209, "pselect6"), (210, "ppoll"),
            (211, "unshare"), (212, "set_robust_list"), (213, "get_robust_list"), (214, "splice"), (215, "tee"), (216, "vmsplice"),
            (217, "getcpu"), (218, "epoll_pwait"), (219, "utimensat"), (220, "signalfd"), (221, "timerfd_create"), (222, "eventfd"),
            (223, "timerfd_settime"), (224, "timerfd_gettime"), (225, "signalfd4"), (226, "eventfd2"), (227, "epoll_create1"), (228, "dup3"),
            (229, "pipe2"), (230, "inotify_init1"), (231, "preadv"), (232, "pwritev"), (233, "rt_tgsigqueueinfo"), (234, "perf_event_open"),
            (235, "fanotify_init"), (236, "prlimit"), (237, "clock_adjtime"), (238, "syncfs"), (239, "setns"), (240, "getdents64"),
            (241, "socket"), (242, "bind"), (243, "connect"), (244, "listen"), (245, "accept"), (246, "getsockname"), (247, "getpeername"),
            (248, "socketpair"), (249, "sendto"), (250, "recvfrom"), (251, "shutdown"), (252, "setsockopt"), (253, "getsockopt"),
            (254, "sendmsg"), (255, "sendmmsg"), (256, "recvmsg"), (257, "recvmmsg"), (258, "accept4"), (259, "semop"), (260, "semget"),
            (261, "semctl"), (262, "msgsnd"), (263, "msgrcv"), (264, "msgget"), (265, "msgctl"), (266, "shmdt"), (267, "shmget"),
            (268, "shmctl"), (269, "statfs64"), (270, "fstatfs64"), (271, "fstatat64"), (272, "sendfile"), (273, "getrlimit"),
            (274, "bdflush"), (275, "sigprocmask"), (276, "ipc"), (277, "socketcall"), (278, "stat64"), (279, "lstat64"), (280, "fstat64"),
            (281, "fcntl"), (282, "mmap2"), (283, "_newselect"), (284, "sgetmask"), (285, "ssetmask"), (286, "sigpending"), (287, "olduname"),
            (288, "umount"), (289, "signal"), (290, "nice"), (291, "stime"), (292, "llseek"), (293, "waitpid"), (294, "pread"),
            (295, "pwrite"), (296, "arch_prctl"), (297, "shmat"), (298, "rt_sigreturn"), (299, "fallocate"), (300, "newfstatat"),
            (301, "process_vm_readv"), (302, "process_vm_writev"), (303, "fork"), (304, "vfork"), (305, "setuid"), (306, "getuid"),
            (307, "setgid"), (308, "geteuid"), (309, "getgid"), (310, "setresuid"), (311, "setresgid"), (312, "getresuid"), (313, "getresgid"),
            (314, "finit_module"), (315, "bpf"), (316, "seccomp"), (317, "sigaltstack"), (318, "getrandom"), (319, "fadvise64"),
            (320, "renameat2"), (321, "userfaultfd"), (322, "openat2"), (323, "umount2"), (324, "execve"), (325, "execveat"),
            (326, "copy_file_range"), (327, "clone"), (328, "clone3"), (329, "open_by_handle_at"), (330, "io_uring_setup"),
            (331, "io_uring_enter"), (332, "io_uring_register"), (333, "mlock2"), (334, "getegid"), (335, "fsconfig"), (336, "fspick"),
            (337, "fsmount"), (338, "fsopen"), (339, "open_tree"), (340, "move_mount"), (341, "mount_setattr"), (342, "memfd_create"),
            (343, "memfd_secret"), (344, "ioperm"), (345, "kexec_file_load"), (346, "pidfd_getfd"), (347, "pidfd_open"),
            (348, "pidfd_send_signal"), (349, "pkey_alloc"), (350, "pkey_mprotect"), (351, "pkey_free"), (352, "landlock_create_ruleset"),
            (353, "quotactl_fd"), (354, "landlock_restrict_self"), (355, "landlock_add_rule"), (356, "epoll_pwait2"), (357, "migrate_pages"),
            (358, "move_pages"), (359, "preadv2"), (360, "pwritev2"), (361, "kcmp"), (362, "sched_setattr"), (363, "mbind"),
            (364, "epoll_ctl_old"), (365, "lookup_dcookie"), (366, "modify_ldt"), (367, "statx"), (368, "set_mempolicy"),
            (369, "io_pgetevents"), (370, "set_mempolicy_home_node"), (371, "semtimedop"), (372, "get_kernel_syms"), (373, "readahead"),
            (374, "futex_waitv"), (375, "getpmsg"), (376, "name_to_handle_at"), (377, "process_mrelease"), (378, "nfsservctl"),
            (379, "epoll_wait_old"), (380, "rseq"), (381, "create_module"), (383, "sched_getattr"), (384, "faccessat2"), (385, "_sysctl"),
            (386, "query_module"), (387, "get_mempolicy"), (388, "sync_file_range"), (389, "process_madvise"), (390, "membarrier"),
            (391, "iopl"), (392, "close_range"), (393, "fanotify_mark"), (394, "recv"), (395, "send"), (401, "timerfd"),
            (402, "s390_pci_mmio_read"), (403, "sigaction"), (404, "s390_pci_mmio_write"), (405, "readdir"), (406, "s390_sthyi"),
            (407, "sigsuspend"), (408, "idle"), (409, "s390_runtime_instr"), (410, "sigreturn"), (411, "s390_guarded_storage"),
            (412, "cachestat"), (413, "fchmodat2"), (414, "map_shadow_stack"), (415, "riscv_flush_icache"), (416, "riscv_hwprobe"),
            (417, "futex_wake"), (418, "futex_requeue"), (419, "futex_wait"), (420, "oldstat"), (421, "switch_endian"), (422, "multiplexer"),
            (423, "oldlstat"), (424, "spu_create"), (425, "sync_file_range2"), (426, "oldfstat"), (427, "spu_run"), (428, "swapcontext"),
            (429, "pciconfig_write"), (430, "rtas"), (431, "pciconfig_read"), (432, "sys_debug_setcontext"), (433, "vm86"),
            (434, "oldolduname"), (435, "subpage_prot"), (436, "pciconfig_iobase"), (437, "listmount"), (438, "statmount"),
            (439, "lsm_get_self_attr"), (440, "lsm_set_self_attr"), (441, "lsm_list_modules"), (442, "mseal"),
        ];

        // Syscall names Falco 0.44.1 accepts (its -L event universe lists them) whose PPM_SC codes are newer than the
        // code list above: they are valid in conditions, but no generic event can carry them here.
        public static readonly string[] NamesWithoutCode =
        [
            "file_getattr", "file_setattr", "getxattrat", "listns", "listxattrat", "open_tree_attr", "removexattrat",
            "rseq_slice_yield", "setxattrat", "uprobe", "uretprobe",
        ];
    }
}
