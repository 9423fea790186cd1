using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Falconet.Core.Events;

/// <summary>
/// One decoded event in the scap layout: header fields plus a view of each parameter's bytes.
/// Instances are reused by readers (live and file) so the event path does not allocate;
/// call <see cref="CopyFrom"/> to keep one.
/// </summary>
public sealed class ScapEvent
{
    /// <summary>More than any event type declares (32 at libs HEAD).</summary>
    public const int MaxParams = 64;

    /// <summary>Size of the v2 event header (ts, tid, len, type, nparams).</summary>
    public const int HeaderSizeV2 = 26;

    /// <summary>Size of the v1 event header (no nparams).</summary>
    public const int HeaderSizeV1 = 22;

    private byte[] _data = new byte[4096];
    private int _dataLength;
    private readonly int[] _offsets = new int[MaxParams];
    private readonly int[] _lengths = new int[MaxParams];

    /// <summary>
    /// <c>evt.num</c>: the reader sets the 1-based position of the event in its source; the state engine then
    /// renumbers it the way Falco counts (only the events libsinsp's parser sees).
    /// </summary>
    public ulong Number { get; set; }

    /// <summary>1-based position of the event in its source, every event block included (sysdig's <c>evt.num</c>).</summary>
    public ulong SourceIndex { get; set; }

    /// <summary>Nanoseconds since the Unix epoch.</summary>
    public ulong Timestamp { get; set; }

    /// <summary>Thread id in the host namespace; -1 for meta events not tied to a thread.</summary>
    public long ThreadId { get; set; }

    /// <summary>The event type id as it is now (after any up-conversion of an old layout).</summary>
    public ushort Type { get; private set; }

    /// <summary>The event type id as it was read from the source.</summary>
    public ushort OriginalType { get; private set; }

    /// <summary>CPU the event was recorded on (capture files only; live events leave it 0).</summary>
    public ushort Cpu { get; set; }

    /// <summary>Block flags (EVF blocks); bit 0 = state only, never shown to rules.</summary>
    public uint BlockFlags { get; set; }

    /// <summary>Parameters present in the record (may be fewer than the layout has).</summary>
    public int ParamCount { get; private set; }

    /// <summary>The event table row of <see cref="Type"/>.</summary>
    public EventInfo Info => EventTable.Get(Type);

    /// <summary>Even type ids are enter events.</summary>
    public bool IsEnter => (Type & 1) == 0;

    /// <summary>The event updates state but is never shown to rules.</summary>
    public bool IsStateOnly => (BlockFlags & 1) != 0;

    /// <summary>The bytes of parameter <paramref name="index"/>; empty when absent (zero length or beyond nparams).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> GetParam(int index) =>
        (uint)index < (uint)ParamCount ? new ReadOnlySpan<byte>(_data, _offsets[index], _lengths[index]) : default;

    /// <summary>True when parameter <paramref name="index"/> is present and not empty.</summary>
    public bool HasParam(int index) => (uint)index < (uint)ParamCount && _lengths[index] > 0;

    /// <summary>Parameter by name, in the layout of the current type; empty when absent.</summary>
    public ReadOnlySpan<byte> GetParam(string name)
    {
        int i = Info.IndexOfParam(name);
        return i < 0 ? default : GetParam(i);
    }

    /// <summary>Signed integer value of an integer-typed parameter (1, 2, 4 or 8 bytes, sign-extended).</summary>
    public bool TryGetInt64(int index, out long value)
    {
        ReadOnlySpan<byte> p = GetParam(index);
        EventInfo info = Info;
        bool signed = (uint)index < (uint)info.ParameterCount && IsSignedType(info.ParameterType(index));
        switch (p.Length)
        {
            case 1: value = signed ? (sbyte)p[0] : p[0]; return true;
            case 2: value = signed ? BinaryPrimitives.ReadInt16LittleEndian(p) : BinaryPrimitives.ReadUInt16LittleEndian(p); return true;
            case 4: value = signed ? BinaryPrimitives.ReadInt32LittleEndian(p) : BinaryPrimitives.ReadUInt32LittleEndian(p); return true;
            case 8: value = BinaryPrimitives.ReadInt64LittleEndian(p); return true;
            default: value = 0; return false;
        }
    }

    /// <summary>Unsigned integer value of an integer-typed parameter (1, 2, 4 or 8 bytes, zero-extended).</summary>
    public bool TryGetUInt64(int index, out ulong value)
    {
        ReadOnlySpan<byte> p = GetParam(index);
        switch (p.Length)
        {
            case 1: value = p[0]; return true;
            case 2: value = BinaryPrimitives.ReadUInt16LittleEndian(p); return true;
            case 4: value = BinaryPrimitives.ReadUInt32LittleEndian(p); return true;
            case 8: value = BinaryPrimitives.ReadUInt64LittleEndian(p); return true;
            default: value = 0; return false;
        }
    }

    /// <summary><see cref="TryGetInt64"/>, or <paramref name="fallback"/> when the parameter is absent.</summary>
    public long GetInt64OrDefault(int index, long fallback = 0) => TryGetInt64(index, out long v) ? v : fallback;

    /// <summary>A CHARBUF/FSPATH parameter without its terminating NUL (empty when absent).</summary>
    public ReadOnlySpan<byte> GetStringBytes(int index)
    {
        ReadOnlySpan<byte> p = GetParam(index);
        int nul = p.IndexOf((byte)0);
        return nul >= 0 ? p[..nul] : p;
    }

    /// <summary>Allocates: for state changes and rendering, not for per-event rule evaluation.</summary>
    public string GetString(int index) => Encoding.UTF8.GetString(GetStringBytes(index));

    private static bool IsSignedType(ParamType t) => t is ParamType.Int8 or ParamType.Int16 or ParamType.Int32 or ParamType.Int64
        or ParamType.Errno or ParamType.Fd or ParamType.Pid or ParamType.Fd32 or ParamType.Pid32;

    /// <summary>
    /// Decodes an event that starts with its header. <paramref name="v1Header"/> selects the 22-byte header
    /// without nparams, in which case nparams is inferred from the event table as libscap does.
    /// Returns null on success, else a description of what is malformed.
    /// </summary>
    public string? Decode(ReadOnlySpan<byte> raw, bool v1Header)
    {
        int headerSize = v1Header ? HeaderSizeV1 : HeaderSizeV2;
        if (raw.Length < headerSize)
        {
            return $"event shorter than its {headerSize}-byte header";
        }
        Timestamp = BinaryPrimitives.ReadUInt64LittleEndian(raw);
        ThreadId = BinaryPrimitives.ReadInt64LittleEndian(raw[8..]);
        uint len = BinaryPrimitives.ReadUInt32LittleEndian(raw[16..]);
        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(raw[20..]);
        OriginalType = type;
        Type = type;
        if (!EventTable.IsKnown(type))
        {
            return null; // The caller skips unknown types (as libscap does); nothing to decode.
        }
        EventInfo info = EventTable.Get(type);
        int lenWidth = info.IsLargePayload ? 4 : 2;
        if (v1Header && (type == 280 || type == 286))
        {
            len -= 3; // libscap quirk: these v1 events store a length 3 bytes too large.
        }
        if (len < headerSize || len > raw.Length)
        {
            return $"event length {len} outside 0x{headerSize:x}..{raw.Length}";
        }
        ReadOnlySpan<byte> body = raw[headerSize..(int)len];
        int nparams;
        if (v1Header)
        {
            nparams = InferParamCount(info, body, lenWidth);
            if (nparams < 0)
            {
                return $"cannot infer the parameter count of {info.Name} (type {type}) from its length {len}";
            }
        }
        else
        {
            uint n = BinaryPrimitives.ReadUInt32LittleEndian(raw[22..]);
            if (n > MaxParams || n > info.ParameterCount)
            {
                return $"{info.Name} (type {type}) has {n} parameters, more than the {info.ParameterCount} of its layout";
            }
            nparams = (int)n;
        }
        return LoadParams(body, nparams, lenWidth, type);
    }

    private static int InferParamCount(EventInfo info, ReadOnlySpan<byte> body, int lenWidth)
    {
        for (int n = info.ParameterCount; n >= 0; n--)
        {
            long total = (long)n * lenWidth;
            if (total > body.Length)
            {
                continue;
            }
            for (int i = 0; i < n; i++)
            {
                total += lenWidth == 2
                    ? BinaryPrimitives.ReadUInt16LittleEndian(body[(i * 2)..])
                    : BinaryPrimitives.ReadUInt32LittleEndian(body[(i * 4)..]);
            }
            if (total == body.Length)
            {
                return n;
            }
        }
        return -1;
    }

    private string? LoadParams(ReadOnlySpan<byte> body, int nparams, int lenWidth, ushort type)
    {
        int lengthsSize = nparams * lenWidth;
        if (lengthsSize > body.Length)
        {
            return $"parameter length array ({lengthsSize} bytes) longer than the event body ({body.Length} bytes)";
        }
        int valuesSize = body.Length - lengthsSize;
        EnsureCapacity(valuesSize);
        int offset = 0;
        for (int i = 0; i < nparams; i++)
        {
            int plen = lenWidth == 2
                ? BinaryPrimitives.ReadUInt16LittleEndian(body[(i * 2)..])
                : (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(body[(i * 4)..]), int.MaxValue);
            if (plen > valuesSize - offset)
            {
                return $"parameter {i} of type {type} is {plen} bytes, past the end of the event";
            }
            _offsets[i] = offset;
            _lengths[i] = plen;
            offset += plen;
        }
        body.Slice(lengthsSize, offset).CopyTo(_data);
        _dataLength = offset;
        ParamCount = nparams;
        return null;
    }

    /// <summary>Starts building an event in place (synthetic events, up-conversion, live records).</summary>
    public void Reset(ushort type, ulong timestamp, long threadId)
    {
        Type = type;
        OriginalType = type;
        Timestamp = timestamp;
        ThreadId = threadId;
        ParamCount = 0;
        _dataLength = 0;
        BlockFlags = 0;
    }

    /// <summary>Appends a parameter (empty = absent).</summary>
    public void AppendParam(ReadOnlySpan<byte> value)
    {
        if (ParamCount >= MaxParams)
        {
            throw new InvalidOperationException($"more than {MaxParams} parameters");
        }
        EnsureCapacity(_dataLength + value.Length, preserve: true);
        value.CopyTo(_data.AsSpan(_dataLength));
        _offsets[ParamCount] = _dataLength;
        _lengths[ParamCount] = value.Length;
        _dataLength += value.Length;
        ParamCount++;
    }

    /// <summary>Changes the type id, e.g. from an old layout to the current one, keeping the parameters.</summary>
    public void ConvertTo(ushort newType) => Type = newType;

    /// <summary>Makes this event a copy of <paramref name="other"/>, reusing this event's buffers.</summary>
    public void CopyFrom(ScapEvent other)
    {
        Number = other.Number;
        SourceIndex = other.SourceIndex;
        Timestamp = other.Timestamp;
        ThreadId = other.ThreadId;
        Type = other.Type;
        OriginalType = other.OriginalType;
        Cpu = other.Cpu;
        BlockFlags = other.BlockFlags;
        ParamCount = other.ParamCount;
        EnsureCapacity(other._dataLength);
        other._data.AsSpan(0, other._dataLength).CopyTo(_data);
        _dataLength = other._dataLength;
        other._offsets.AsSpan(0, ParamCount).CopyTo(_offsets);
        other._lengths.AsSpan(0, ParamCount).CopyTo(_lengths);
    }

    private void EnsureCapacity(int size, bool preserve = false)
    {
        if (_data.Length < size)
        {
            var bigger = new byte[Math.Max(size, _data.Length * 2)];
            if (preserve)
            {
                _data.AsSpan(0, _dataLength).CopyTo(bigger);
            }
            _data = bigger;
        }
    }

    /// <summary>Number, name, direction, thread and parameter count, for diagnostics.</summary>
    public override string ToString() => $"#{Number} {Info.Name} {(IsEnter ? '>' : '<')} tid={ThreadId} params={ParamCount}";
}
