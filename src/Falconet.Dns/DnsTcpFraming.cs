using System.Buffers.Binary;

namespace Falconet.Dns;

/// <summary>
/// DNS over TCP puts a 2-byte big-endian length before each message, and one read may hold several messages, or end
/// inside one. <see cref="TryReadMessage"/> splits what one read holds; <see cref="DnsTcpReassembler"/> carries a
/// partial message over to the next read of the same connection.
/// </summary>
public static class DnsTcpFraming
{
    /// <summary>Bytes of the length prefix.</summary>
    public const int PrefixLength = 2;

    /// <summary>
    /// Takes the next message off the front of <paramref name="buffer"/>. Returns true with a complete message; at the
    /// end of the buffer returns false, with <paramref name="partial"/> holding the bytes of an incomplete last message
    /// (prefix included, empty when the buffer ended on a message boundary). A parser given the partial message's
    /// body (after the prefix) reads what it holds and reports <see cref="DnsParseStatus.Truncated"/>.
    /// </summary>
    public static bool TryReadMessage(ref ReadOnlySpan<byte> buffer, out ReadOnlySpan<byte> message, out ReadOnlySpan<byte> partial)
    {
        message = default;
        partial = default;
        if (buffer.Length >= PrefixLength)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(buffer);
            if (buffer.Length - PrefixLength >= length)
            {
                message = buffer.Slice(PrefixLength, length);
                buffer = buffer[(PrefixLength + length)..];
                return true;
            }
        }
        partial = buffer;
        buffer = default;
        return false;
    }
}

/// <summary>
/// Reassembles the DNS messages of one TCP stream across reads (at most one message of up to 65535 bytes is held).
/// Not thread-safe; one per connection.
/// </summary>
public sealed class DnsTcpReassembler
{
    private byte[] _pending = new byte[512];
    private int _pendingLength;

    /// <summary>Bytes held of an incomplete message.</summary>
    public int PendingLength => _pendingLength;

    /// <summary>
    /// Feeds the bytes of one read and calls <paramref name="onMessage"/> for each complete message, in order; the
    /// span passed is valid only during the call. Returns how many messages were delivered.
    /// </summary>
    public int Append<TState>(ReadOnlySpan<byte> data, TState state, DnsMessageHandler<TState> onMessage)
    {
        ArgumentNullException.ThrowIfNull(onMessage);
        int delivered = 0;
        while (_pendingLength > 0)
        {
            int take = Math.Min(NeededForPending(), data.Length);
            AppendPending(data[..take]);
            data = data[take..];
            if (NeededForPending() > 0)
            {
                if (data.IsEmpty)
                {
                    return 0;
                }
                continue;
            }
            onMessage(_pending.AsSpan(DnsTcpFraming.PrefixLength, _pendingLength - DnsTcpFraming.PrefixLength), state);
            delivered++;
            _pendingLength = 0;
        }
        while (true)
        {
            if (!DnsTcpFraming.TryReadMessage(ref data, out ReadOnlySpan<byte> message, out ReadOnlySpan<byte> partial))
            {
                AppendPending(partial);
                return delivered;
            }
            onMessage(message, state);
            delivered++;
        }
    }

    /// <summary>Forgets an incomplete message (the connection closed or the stream lost bytes).</summary>
    public void Reset() => _pendingLength = 0;

    private int NeededForPending()
    {
        if (_pendingLength < DnsTcpFraming.PrefixLength)
        {
            return DnsTcpFraming.PrefixLength - _pendingLength;
        }
        int length = BinaryPrimitives.ReadUInt16BigEndian(_pending);
        return DnsTcpFraming.PrefixLength + length - _pendingLength;
    }

    private void AppendPending(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }
        if (_pending.Length - _pendingLength < bytes.Length)
        {
            Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingLength + bytes.Length));
        }
        bytes.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength += bytes.Length;
    }
}

/// <summary>Receives one complete DNS message reassembled by <see cref="DnsTcpReassembler"/>.</summary>
/// <typeparam name="TState">The caller's state, passed through so the handler need not capture it.</typeparam>
public delegate void DnsMessageHandler<in TState>(ReadOnlySpan<byte> message, TState state);
