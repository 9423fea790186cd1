namespace Falconet.Capture.Bpf.Proc;

/// <summary>Linux open(2) flags to the PPM_O_* encoding of the scap format (mirrors native/bpf/falconet_flags.h).</summary>
internal static class OpenFlags
{
    public static uint ToPpm(uint flags)
    {
        uint r = (flags & 3) switch
        {
            0 => 1u, // RDONLY
            1 => 2u, // WRONLY
            2 => 3u, // RDWR
            _ => 0u,
        };
        if ((flags & 0x40) != 0) r |= 1 << 2;        // O_CREAT
        if ((flags & 0x400) != 0) r |= 1 << 3;       // O_APPEND
        if ((flags & 0x1000) != 0) r |= 1 << 4;      // O_DSYNC
        if ((flags & 0x80) != 0) r |= 1 << 5;        // O_EXCL
        if ((flags & 0x800) != 0) r |= 1 << 6;       // O_NONBLOCK
        if ((flags & 0x100000) != 0) r |= 1 << 7;    // __O_SYNC
        if ((flags & 0x200) != 0) r |= 1 << 8;       // O_TRUNC
        if ((flags & 0x4000) != 0) r |= 1 << 9;      // O_DIRECT
        if ((flags & 0x10000) != 0) r |= 1 << 10;    // O_DIRECTORY
        if ((flags & 0x8000) != 0) r |= 1 << 11;     // O_LARGEFILE
        if ((flags & 0x80000) != 0) r |= 1 << 12;    // O_CLOEXEC
        if ((flags & 0x400000) != 0) r |= 1 << 13;   // __O_TMPFILE
        return r;
    }
}
