namespace Falconet.Capture.Bpf;

/// <summary>Settings of a live capture session.</summary>
public sealed class LiveCaptureOptions
{
    /// <summary>Syscall names to emit (see <see cref="LiveSyscalls.All"/>); null = all of them.
    /// Filtering happens in the kernel, before any ring-buffer space is used.</summary>
    public IReadOnlyCollection<string>? Syscalls { get; init; }

    /// <summary>Ring buffer size in bytes: a power of two, multiple of the page size.</summary>
    public int RingBufferBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Bytes of send/recv payload copied into the data parameter (DNS answers need ~256+).</summary>
    public int SnapLen { get; init; } = 256;

    /// <summary>Also emit the receives whose payload can be a DNS answer (recvfrom, recvmsg, recvmmsg, read,
    /// readv) on AF_INET/AF_INET6 sockets with port 53 at either end, with <see cref="DnsSnapLen"/> bytes of
    /// payload. Those of them not in <see cref="Syscalls"/> are emitted for DNS sockets only, decided in the
    /// kernel, so other calls of them cost no ring-buffer space.</summary>
    public bool ObserveDns { get; init; }

    /// <summary>Bytes of payload copied from receives on DNS sockets when <see cref="ObserveDns"/> is on
    /// (at least 512, the classic UDP DNS message limit).</summary>
    public int DnsSnapLen { get; init; } = CaptureSpec.MinDnsSnapLen;

    /// <summary>The kernel wakes the consumer every this many records per CPU; the rest are drained
    /// on the poll timeout. 1 = wake on every record (slow under load).</summary>
    public int WakeupEvery { get; init; } = 64;

    /// <summary>Do not emit events of the capturing process itself.</summary>
    public bool IgnoreOwnProcess { get; init; }

    /// <summary>Path of falconet.bpf.o; default: next to this assembly.</summary>
    public string? BpfObjectPath { get; init; }
}

/// <summary>Counters of a live session. Once capture is stopped and drained,
/// <c>Produced == Received + DroppedRingFull + DroppedOther</c>.</summary>
public readonly record struct LiveCaptureStats(
    ulong Received,
    ulong Produced,
    ulong DroppedRingFull,
    ulong DroppedOther,
    ulong DecodeErrors)
{
    /// <summary>Records the kernel could not deliver, for any reason.</summary>
    public ulong Dropped => DroppedRingFull + DroppedOther;
}
