namespace Falconet.Fields.ArgumentRendering;

/// <summary>Linux errno names (x86-64 numbering, as the driver reports them), and signal names.</summary>
public static class ErrnoNames
{
    private static readonly string?[] s_names = BuildNames();

    /// <summary>The name of errno <paramref name="errno"/> (positive number, e.g. 2 → ENOENT); null when unknown.</summary>
    public static string? Get(long errno) =>
        errno > 0 && errno < s_names.Length ? s_names[errno] : null;

    /// <summary>The errno name of a negative syscall return value (-2 → ENOENT); null for ≥ 0 or unknown values.</summary>
    public static string? FromReturnValue(long value) => value < 0 ? Get(-value) : null;

    private static string?[] BuildNames()
    {
        // Errno 1 onwards, in order; "-" marks the numbers Linux leaves unassigned (41, 58).
        string[] low = ("EPERM ENOENT ESRCH EINTR EIO ENXIO E2BIG ENOEXEC EBADF ECHILD EAGAIN ENOMEM EACCES EFAULT ENOTBLK EBUSY EEXIST "
            + "EXDEV ENODEV ENOTDIR EISDIR EINVAL ENFILE EMFILE ENOTTY ETXTBSY EFBIG ENOSPC ESPIPE EROFS EMLINK EPIPE EDOM ERANGE EDEADLK "
            + "ENAMETOOLONG ENOLCK ENOSYS ENOTEMPTY ELOOP - ENOMSG EIDRM ECHRNG EL2NSYNC EL3HLT EL3RST ELNRNG EUNATCH ENOCSI EL2HLT EBADE "
            + "EBADR EXFULL ENOANO EBADRQC EBADSLT - EBFONT ENOSTR ENODATA ETIME ENOSR ENONET ENOPKG EREMOTE ENOLINK EADV ESRMNT ECOMM "
            + "EPROTO EMULTIHOP EDOTDOT EBADMSG EOVERFLOW ENOTUNIQ EBADFD EREMCHG ELIBACC ELIBBAD ELIBSCN ELIBMAX ELIBEXEC EILSEQ ERESTART "
            + "ESTRPIPE EUSERS ENOTSOCK EDESTADDRREQ EMSGSIZE EPROTOTYPE ENOPROTOOPT EPROTONOSUPPORT ESOCKTNOSUPPORT EOPNOTSUPP EPFNOSUPPORT "
            + "EAFNOSUPPORT EADDRINUSE EADDRNOTAVAIL ENETDOWN ENETUNREACH ENETRESET ECONNABORTED ECONNRESET ENOBUFS EISCONN ENOTCONN "
            + "ESHUTDOWN ETOOMANYREFS ETIMEDOUT ECONNREFUSED EHOSTDOWN EHOSTUNREACH EALREADY EINPROGRESS ESTALE EUCLEAN ENOTNAM ENAVAIL "
            + "EISNAM EREMOTEIO EDQUOT ENOMEDIUM EMEDIUMTYPE ECANCELED ENOKEY EKEYEXPIRED EKEYREVOKED EKEYREJECTED EOWNERDEAD "
            + "ENOTRECOVERABLE ERFKILL EHWPOISON").Split(' ');
        // Kernel-internal codes that can leak to user space through tracing (never seen by applications).
        (int Number, string Name)[] high =
        [
            (512, "ERESTARTSYS"), (513, "ERESTARTNOINTR"), (514, "ERESTARTNOHAND"), (515, "ENOIOCTLCMD"),
            (516, "ERESTART_RESTARTBLOCK"), (521, "EBADHANDLE"), (522, "ENOTSYNC"), (523, "EBADCOOKIE"),
            (524, "ENOTSUPP"), (525, "ETOOSMALL"), (526, "ESERVERFAULT"), (527, "EBADTYPE"), (528, "EJUKEBOX"),
            (529, "EIOCBQUEUED"),
        ];
        var names = new string?[530];
        for (int i = 0; i < low.Length; i++)
        {
            names[i + 1] = low[i] == "-" ? null : low[i];
        }
        foreach ((int number, string name) in high)
        {
            names[number] = name;
        }
        return names;
    }
}

