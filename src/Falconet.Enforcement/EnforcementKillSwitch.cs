using Falconet.Capture.Bpf.Interop;

namespace Falconet.Enforcement;

/// <summary>
/// <c>falconet enforce off</c>: detaches every cgroup link of a Falconet enforcement program on this machine, pinned
/// or held by a running Falconet, and removes the pins. The running Falconet keeps detecting; the kernel blocks nothing.
/// </summary>
public static unsafe class EnforcementKillSwitch
{
    /// <summary>Detaches them all; returns how many links were detached. Needs root.</summary>
    public static int Off(string pinDirectory = EnforcementOptions.DefaultPinDirectory)
    {
        if (Libbpf.GetEuid() != 0)
        {
            throw new EnforcementException("enforce off needs root (it detaches eBPF programs from cgroups)");
        }
        int detached = 0;
        uint id = 0;
        byte* progInfo = stackalloc byte[Libbpf.ProgInfoSize];
        while (Libbpf.LinkGetNextId(id, &id) == 0)
        {
            int linkFd = Libbpf.LinkGetFdById(id);
            if (linkFd < 0)
            {
                continue; // went away meanwhile
            }
            try
            {
                Libbpf.LinkInfo link = default;
                uint length = (uint)sizeof(Libbpf.LinkInfo);
                if (Libbpf.ObjGetInfoByFd(linkFd, &link, &length) != 0 || link.Type != Libbpf.LinkTypeCgroup || !IsOurs(link.ProgId, progInfo))
                {
                    continue;
                }
                int err = Libbpf.LinkDetach(linkFd);
                if (err != 0)
                {
                    throw new EnforcementException($"cannot detach link {id}: {Libbpf.ErrnoText(err)}");
                }
                detached++;
            }
            finally
            {
                Libbpf.Close(linkFd);
            }
        }
        if (Directory.Exists(pinDirectory))
        {
            foreach (string pin in Directory.GetFiles(pinDirectory))
            {
                File.Delete(pin);
            }
        }
        return detached;
    }

    private static bool IsOurs(uint progId, byte* info)
    {
        int fd = Libbpf.ProgGetFdById(progId);
        if (fd < 0)
        {
            return false;
        }
        try
        {
            new Span<byte>(info, Libbpf.ProgInfoSize).Clear();
            uint length = Libbpf.ProgInfoSize;
            if (Libbpf.ObjGetInfoByFd(fd, info, &length) != 0)
            {
                return false;
            }
            var name = new ReadOnlySpan<byte>(info + Libbpf.ProgInfoNameOffset, 16);
            return name.StartsWith("fnet_"u8);
        }
        finally
        {
            Libbpf.Close(fd);
        }
    }
}
