using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Falconet.Core.Events;
using Falconet.Core.Snapshot;

namespace Falconet.Scap;

/// <summary>
/// Writes scap captures in the profile that both sysdig 0.29.3 and current Falco read (checked by round-trips through both):
/// SHB 1.2 without options, MI, IL_V2, UL_V2, one PL_V9 block with the compat tail, one FDL_V2 block per thread,
/// then EV_V2 blocks (EVF_V2 when the event has block flags, the LARGE variants for large-payload event types).
/// Events are written as given (type, parameters); choosing layouts old readers understand is the caller's job.
/// One block buffer is reused, so writing events does not allocate once it has grown.
/// </summary>
public sealed class ScapWriter : IDisposable
{
    /// <summary>SCAP_DF_LARGE: an in-memory hint that libscap masks out before writing.</summary>
    private const uint InMemoryOnlyFlags = 4;

    private readonly Stream _output;
    private readonly Stream _target;
    private readonly bool _leaveOpen;
    private byte[] _buffer = new byte[64 * 1024];
    private int _length;
    private bool _headerWritten;
    private bool _disposed;

    /// <summary>Writes to <paramref name="stream"/>, gzip-compressed when <paramref name="compress"/>.</summary>
    public ScapWriter(Stream stream, bool compress, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _target = stream;
        _leaveOpen = leaveOpen;
        IsCompressed = compress;
        _output = compress ? new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true) : stream;
    }

    /// <summary>Creates (or replaces) <paramref name="path"/>; gzip-compressed when <paramref name="compress"/>.</summary>
    public static ScapWriter Create(string path, bool compress)
    {
        var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 64 * 1024);
        return new ScapWriter(file, compress);
    }

    /// <summary>True when the output is gzip-compressed.</summary>
    public bool IsCompressed { get; }

    /// <summary>Event blocks written so far.</summary>
    public long EventsWritten { get; private set; }

    /// <summary>Uncompressed bytes written so far.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>
    /// Writes a section header and the header blocks of <paramref name="snapshot"/>. Calling it again after events
    /// starts a new section (a concatenated capture). Empty lists produce no block.
    /// </summary>
    public void WriteHeader(ScapSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ObjectDisposedException.ThrowIf(_disposed, this);
        WriteSectionHeader();
        if (snapshot.Machine is { } machine)
        {
            WriteMachineInfo(machine);
        }
        if (snapshot.Interfaces.Count > 0)
        {
            WriteInterfaces(snapshot.Interfaces);
        }
        if (snapshot.Users.Count + snapshot.Groups.Count > 0)
        {
            WriteUsers(snapshot.Users, snapshot.Groups);
        }
        if (snapshot.Threads.Count > 0)
        {
            WriteThreads(snapshot.Threads);
        }
        foreach (IGrouping<long, FdRecord> perThread in snapshot.Fds.GroupBy(f => f.Tid))
        {
            WriteFds(perThread.Key, perThread);
        }
        _headerWritten = true;
    }

    /// <summary>Writes one event with its current type and parameters, cpu and block flags.</summary>
    public void WriteEvent(ScapEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_headerWritten)
        {
            throw new InvalidOperationException("WriteHeader must be called before the first event");
        }
        if (!EventTable.IsKnown(evt.Type))
        {
            throw new ArgumentException($"event type {evt.Type} is not in the event table", nameof(evt));
        }
        EventInfo info = evt.Info;
        if (evt.ParamCount > info.Parameters.Count)
        {
            // Current libscap aborts the whole read on such an event.
            throw new ArgumentException($"{info}: {evt.ParamCount} parameters, more than the {info.Parameters.Count} of its layout", nameof(evt));
        }
        bool large = info.IsLargePayload;
        uint flags = evt.BlockFlags & ~InMemoryOnlyFlags;
        uint blockType = (large, flags != 0) switch
        {
            (false, false) => ScapBlockTypes.EventV2,
            (false, true) => ScapBlockTypes.EventFlagsV2,
            (true, false) => ScapBlockTypes.EventV2Large,
            (true, true) => ScapBlockTypes.EventFlagsV2Large,
        };
        int lengthWidth = large ? 4 : 2;
        long eventLength = ScapEvent.HeaderSizeV2 + (long)evt.ParamCount * lengthWidth;
        for (int i = 0; i < evt.ParamCount; i++)
        {
            int paramLength = evt.GetParam(i).Length;
            if (!large && paramLength > ushort.MaxValue)
            {
                throw new ArgumentException($"{info}: parameter {i} is {paramLength} bytes, more than a u16 length allows", nameof(evt));
            }
            eventLength += paramLength;
        }
        if (eventLength > int.MaxValue / 2)
        {
            throw new ArgumentException($"{info}: event of {eventLength} bytes is too large", nameof(evt));
        }

        BeginBlock(blockType);
        PutUInt16(evt.Cpu);
        if (flags != 0)
        {
            PutUInt32(flags);
        }
        PutUInt64(evt.Timestamp);
        PutInt64(evt.ThreadId);
        PutUInt32((uint)eventLength);
        PutUInt16(evt.Type);
        PutUInt32((uint)evt.ParamCount);
        for (int i = 0; i < evt.ParamCount; i++)
        {
            int paramLength = evt.GetParam(i).Length;
            if (large)
            {
                PutUInt32((uint)paramLength);
            }
            else
            {
                PutUInt16((ushort)paramLength);
            }
        }
        for (int i = 0; i < evt.ParamCount; i++)
        {
            PutBytes(evt.GetParam(i));
        }
        int blockLength = PaddedBlockLength();
        if (!large && blockLength > ScapReader.MaxEventBlockLength)
        {
            _length = 0;
            throw new ArgumentException($"{info}: event block of {blockLength} bytes exceeds the {ScapReader.MaxEventBlockLength} bytes readers accept", nameof(evt));
        }
        EndBlock();
        EventsWritten++;
    }

/// <summary>Pushes buffered bytes (and the gzip stream) to the target stream.</summary>
    public void Flush()
    {
        _output.Flush();
        if (!ReferenceEquals(_output, _target))
        {
            _target.Flush();
        }
    }

/// <summary>Finishes the gzip stream and closes the target unless it was to be left open.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (!ReferenceEquals(_output, _target))
        {
            _output.Dispose(); // Completes the gzip member.
        }
        if (_leaveOpen)
        {
            _target.Flush();
        }
        else
        {
            _target.Dispose();
        }
    }

    private void WriteSectionHeader()
    {
        BeginBlock(ScapBlockTypes.SectionHeader);
        PutUInt32(ScapBlockTypes.ByteOrderMagic);
        PutUInt16(1);
        PutUInt16(2);
        PutInt64(-1); // section_length: unknown, as every scap writer leaves it.
        EndBlock();
    }

    private void WriteMachineInfo(MachineInfo machine)
    {
        BeginBlock(ScapBlockTypes.MachineInfo);
        PutUInt32(machine.CpuCount);
        PutUInt64(machine.MemoryBytes);
        PutUInt64(machine.MaxPid);
        byte[] host = Encoding.UTF8.GetBytes(machine.Hostname);
        if (host.Length >= ScapLimits.HostnameSize)
        {
            throw new ArgumentException($"hostname of {host.Length} bytes does not fit the {ScapLimits.HostnameSize}-byte machine info field");
        }
        PutBytes(host);
        PutZeros(ScapLimits.HostnameSize - host.Length);
        PutUInt64(machine.BootTimeEpochNs);
        PutUInt64(0); // flags
        PutUInt64(0); // reserved3
        PutUInt64(0); // reserved4
        EndBlock();
    }

    private void WriteInterfaces(IEnumerable<InterfaceAddress> interfaces)
    {
        BeginBlock(ScapBlockTypes.InterfaceListV2);
        foreach (InterfaceAddress iface in interfaces)
        {
            bool v4 = iface.Address.AddressFamily == AddressFamily.InterNetwork;
            int size = v4 ? 4 : 16;
            byte[] name = Encoding.UTF8.GetBytes(iface.Name);
            if (name.Length > ScapLimits.MaxInterfaceNameLength)
            {
                throw new ArgumentException($"interface name '{iface.Name}' is longer than {ScapLimits.MaxInterfaceNameLength} bytes");
            }
            // IL_V2 entry lengths do not count their own 4 bytes (unlike PL/FDL/UL).
            PutUInt32((uint)(2 + 2 + 3 * size + 8 + name.Length));
            PutUInt16(v4 ? (ushort)1 : (ushort)2);
            PutUInt16((ushort)name.Length);
            PutIp(iface.Address, size, "interface address");
            PutIp(iface.Netmask, size, "interface netmask");
            PutIp(iface.Broadcast, size, "interface broadcast address");
            PutUInt64(iface.LinkSpeed);
            PutBytes(name);
        }
        EndBlock();
    }

    private void WriteUsers(IEnumerable<UserRecord> users, IEnumerable<GroupRecord> groups)
    {
        BeginBlock(ScapBlockTypes.UserListV2);
        foreach (UserRecord user in users)
        {
            int entry = BeginEntry();
            PutByte(0);
            PutUInt32(user.Uid);
            PutUInt32(user.Gid);
            PutString16(user.Name, ScapLimits.MaxUserStringLength);
            PutString16(user.HomeDirectory, ScapLimits.MaxUserStringLength);
            PutString16(user.Shell, ScapLimits.MaxUserStringLength);
            EndEntry(entry);
        }
        foreach (GroupRecord group in groups)
        {
            int entry = BeginEntry();
            PutByte(1);
            PutUInt32(group.Gid);
            PutString16(group.Name, ScapLimits.MaxUserStringLength);
            EndEntry(entry);
        }
        EndBlock();
    }

    private void WriteThreads(IEnumerable<ThreadRecord> threads)
    {
        BeginBlock(ScapBlockTypes.ProcessListV9);
        foreach (ThreadRecord t in threads)
        {
            int entry = BeginEntry();
            PutInt64(t.Tid);
            PutInt64(t.Pid);
            PutInt64(t.ParentTid);
            PutInt64(t.Sid);
            PutInt64(t.Vpgid);
            PutString16(t.Comm, ScapLimits.MaxPathLength);
            PutString16(t.Exe, ScapLimits.MaxPathLength);
            PutString16(t.ExePath, ScapLimits.MaxPathLength);
            PutNulList16(t.Args, ScapLimits.MaxArgsLength);
            PutString16(t.Cwd, ScapLimits.MaxPathLength);
            PutUInt64(t.FdLimit);
            PutUInt32(t.Flags);
            PutUInt32(t.Uid);
            PutUInt32(t.Gid);
            PutUInt32(t.VmSizeKb);
            PutUInt32(t.VmRssKb);
            PutUInt32(t.VmSwapKb);
            PutUInt64(t.PageFaultsMajor);
            PutUInt64(t.PageFaultsMinor);
            PutNulList16(t.Env, ScapLimits.MaxArgsLength);
            PutInt64(t.Vtid);
            PutInt64(t.Vpid);
            PutNulList16(t.Cgroups, ScapLimits.MaxArgsLength);
            PutString16(t.Root, ScapLimits.MaxPathLength);
            // The 29-byte compat tail: sysdig 0.29.3 and current libscap both read it right (the 76-byte new tail
            // would be misread by old readers).
            PutUInt32(t.LoginUid);
            PutByte(t.ExeWritable ? (byte)1 : (byte)0);
            PutUInt64(t.CapInheritable);
            PutUInt64(t.CapPermitted);
            PutUInt64(t.CapEffective);
            EndEntry(entry);
        }
        EndBlock();
    }

    private void WriteFds(long tid, IEnumerable<FdRecord> fds)
    {
        BeginBlock(ScapBlockTypes.FdListV2);
        PutInt64(tid);
        foreach (FdRecord fd in fds)
        {
            int entry = BeginEntry();
            PutInt64(fd.Fd);
            PutUInt64(fd.Ino);
            switch (fd.Type)
            {
                case ScapFdType.File:
                case ScapFdType.FileV2:
                    // Files always go out as FILE_V2, which carries the open flags and device.
                    PutByte((byte)ScapFdType.FileV2);
                    PutUInt32(fd.OpenFlags);
                    PutString16(fd.Name, ScapLimits.MaxFdNameLength);
                    PutUInt32(fd.Dev);
                    break;
                case ScapFdType.Ipv4Socket:
                case ScapFdType.Ipv6Socket:
                    int size = fd.Type == ScapFdType.Ipv4Socket ? 4 : 16;
                    PutByte((byte)fd.Type);
                    PutIp(fd.SourceIp, size, "fd source address");
                    PutIp(fd.DestinationIp, size, "fd destination address");
                    PutUInt16(fd.SourcePort);
                    PutUInt16(fd.DestinationPort);
                    PutByte(fd.L4Proto);
                    break;
                case ScapFdType.Ipv4ServerSocket:
                case ScapFdType.Ipv6ServerSocket:
                    PutByte((byte)fd.Type);
                    PutIp(fd.SourceIp, fd.Type == ScapFdType.Ipv4ServerSocket ? 4 : 16, "server socket address");
                    PutUInt16(fd.SourcePort);
                    PutByte(fd.L4Proto);
                    break;
                case ScapFdType.UnixSocket:
                    PutByte((byte)fd.Type);
                    PutUInt64(fd.UnixSource);
                    PutUInt64(fd.UnixDestination);
                    PutString16(fd.Name, ScapLimits.MaxFdNameLength);
                    break;
                case ScapFdType.Unknown:
                    throw new ArgumentException($"fd {fd.Fd} of tid {tid} has type Unknown, which no reader accepts");
                default:
                    PutByte((byte)fd.Type);
                    PutString16(fd.Name, ScapLimits.MaxFdNameLength);
                    break;
            }
            EndEntry(entry);
        }
        EndBlock();
    }

    // ---- Block assembly in the reused buffer -------------------------------------------------------------

    private void BeginBlock(uint blockType)
    {
        _length = 0;
        PutUInt32(blockType);
        PutUInt32(0); // Patched by EndBlock.
    }

    private int PaddedBlockLength() => ((_length + 3) & ~3) + 4;

    private void EndBlock()
    {
        int total = PaddedBlockLength();
        PutZeros(total - 4 - _length);
        PutUInt32((uint)total);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(4), (uint)total);
        _output.Write(_buffer, 0, _length);
        BytesWritten += _length;
        _length = 0;
    }

    /// <summary>Reserves a u32 entry length that counts its own 4 bytes (PL_V9, FDL_V2, UL_V2).</summary>
    private int BeginEntry()
    {
        int start = _length;
        PutUInt32(0);
        return start;
    }

    private void EndEntry(int start) => BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(start), (uint)(_length - start));

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_length + count, _buffer.Length * 2));
        }
        Span<byte> span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    private void PutByte(byte value) => Reserve(1)[0] = value;

    private void PutUInt16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Reserve(2), value);

    private void PutUInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value);

    private void PutUInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value);

    private void PutInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value);

    private void PutBytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    private void PutZeros(int count) => Reserve(count).Clear();

    // Live state holds whatever /proc and the kernel gave (a CI runner's command line can be 25 KB); libscap cuts
    // these fields at the same bounds when it scans /proc, so a snapshot keeps the leading bytes instead of failing.
    private void PutString16(string value, int maxLength)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        int length = Utf8Prefix(bytes, maxLength);
        PutUInt16((ushort)length);
        PutBytes(bytes.AsSpan(0, length));
    }

    private void PutNulList16(string[] items, int maxLength)
    {
        int length = 0;
        int kept = 0;
        int lastBytes = 0;
        foreach (string item in items)
        {
            int size = Encoding.UTF8.GetByteCount(item) + 1;
            if (length + size > maxLength)
            {
                lastBytes = maxLength - length - 1;
                break;
            }
            length += size;
            kept++;
        }
        byte[]? cut = null;
        if (kept < items.Length && lastBytes > 0)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(items[kept]);
            int prefix = Utf8Prefix(bytes, lastBytes);
            if (prefix > 0)
            {
                cut = bytes[..prefix];
                length += cut.Length + 1;
            }
        }
        PutUInt16((ushort)length);
        for (int i = 0; i < kept; i++)
        {
            Encoding.UTF8.GetBytes(items[i], Reserve(Encoding.UTF8.GetByteCount(items[i])));
            PutByte(0);
        }
        if (cut is not null)
        {
            PutBytes(cut);
            PutByte(0);
        }
    }

    /// <summary>The longest prefix of at most <paramref name="maxLength"/> bytes that ends on a character boundary.</summary>
    private static int Utf8Prefix(ReadOnlySpan<byte> bytes, int maxLength)
    {
        if (bytes.Length <= maxLength)
        {
            return bytes.Length;
        }
        int end = maxLength;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80)
        {
            end--;
        }
        return end;
    }

    private void PutIp(IPAddress? address, int size, string field)
    {
        if (address is null)
        {
            PutZeros(size);
            return;
        }
        Span<byte> target = Reserve(size);
        if (!address.TryWriteBytes(target, out int written) || written != size)
        {
            throw new ArgumentException($"{field} {address} is not an IPv{(size == 4 ? 4 : 6)} address");
        }
    }
}
