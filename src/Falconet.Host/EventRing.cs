using System.Buffers.Binary;
using Falconet.Core.Events;

namespace Falconet.Host;

/// <summary>
/// The last events, serialised in their scap layout into one fixed byte buffer, so that a rule-triggered capture can
/// start with what happened before the alert. Oldest events are dropped when the buffer is full or when they are
/// older than the window. Adding an event copies its bytes and allocates nothing once the entry queue has grown.
/// </summary>
internal sealed class EventRing
{
    private readonly byte[] _buffer;
    private readonly ulong _windowNs;
    private readonly Queue<Entry> _entries = new();
    private int _head; // where the next event goes
    private int _tail; // start of the oldest event

    public EventRing(int capacityBytes, ulong windowNs)
    {
        _buffer = new byte[Math.Max(capacityBytes, 64 * 1024)];
        _windowNs = windowNs;
    }

    public int Count => _entries.Count;

    /// <summary>Keeps a copy of <paramref name="evt"/>; events too large for the ring are not kept.</summary>
    public void Add(ScapEvent evt)
    {
        EvictOlderThan(evt.Timestamp > _windowNs ? evt.Timestamp - _windowNs : 0);
        bool large = evt.Info.IsLargePayload;
        int size = ScapEvent.HeaderSizeV2 + evt.ParamCount * (large ? 4 : 2);
        for (int i = 0; i < evt.ParamCount; i++)
        {
            size += evt.GetParam(i).Length;
        }
        if (size > _buffer.Length / 4)
        {
            return;
        }
        int start = Reserve(size);
        Span<byte> target = _buffer.AsSpan(start, size);
        BinaryPrimitives.WriteUInt64LittleEndian(target, evt.Timestamp);
        BinaryPrimitives.WriteInt64LittleEndian(target[8..], evt.ThreadId);
        BinaryPrimitives.WriteUInt32LittleEndian(target[16..], (uint)size);
        BinaryPrimitives.WriteUInt16LittleEndian(target[20..], evt.Type);
        BinaryPrimitives.WriteUInt32LittleEndian(target[22..], (uint)evt.ParamCount);
        int offset = ScapEvent.HeaderSizeV2;
        for (int i = 0; i < evt.ParamCount; i++)
        {
            int length = evt.GetParam(i).Length;
            if (large)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(target[offset..], (uint)length);
                offset += 4;
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(target[offset..], (ushort)length);
                offset += 2;
            }
        }
        for (int i = 0; i < evt.ParamCount; i++)
        {
            ReadOnlySpan<byte> value = evt.GetParam(i);
            value.CopyTo(target[offset..]);
            offset += value.Length;
        }
        _entries.Enqueue(new Entry(start, size, evt.Timestamp, evt.Cpu, evt.BlockFlags));
    }

    /// <summary>Hands each kept event from <paramref name="fromNs"/> on, oldest first, to <paramref name="consumer"/> (decoded into <paramref name="scratch"/>).</summary>
    public void ForEach(ulong fromNs, ScapEvent scratch, Action<ScapEvent> consumer)
    {
        foreach (Entry entry in _entries)
        {
            if (entry.Timestamp < fromNs)
            {
                continue;
            }
            if (scratch.Decode(_buffer.AsSpan(entry.Start, entry.Length), v1Header: false) is null)
            {
                scratch.Cpu = entry.Cpu;
                scratch.BlockFlags = entry.Flags;
                consumer(scratch);
            }
        }
    }

    private void EvictOlderThan(ulong oldestNs)
    {
        while (_entries.Count > 0 && _entries.Peek().Timestamp < oldestNs)
        {
            Evict();
        }
    }

    private void Evict()
    {
        _entries.Dequeue();
        if (_entries.Count == 0)
        {
            _head = 0;
            _tail = 0;
        }
        else
        {
            _tail = _entries.Peek().Start;
        }
    }

    /// <summary>Room for <paramref name="size"/> contiguous bytes, dropping the oldest events as needed.</summary>
    private int Reserve(int size)
    {
        while (true)
        {
            if (_entries.Count == 0)
            {
                _head = size;
                _tail = 0;
                return 0;
            }
            if (_head >= _tail)
            {
                // Free space is [head, end) and [0, tail).
                if (_buffer.Length - _head >= size)
                {
                    int start = _head;
                    _head += size;
                    return start;
                }
                if (_tail > size)
                {
                    _head = size;
                    return 0;
                }
            }
            else if (_tail - _head > size)
            {
                int start = _head;
                _head += size;
                return start;
            }
            Evict();
        }
    }

    private readonly record struct Entry(int Start, int Length, ulong Timestamp, ushort Cpu, uint Flags);
}
