using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Falconet.Rules.Conditions;

/// <summary>
/// Network literals as the condition language reads them (<c>fd.snet = 198.51.100.0/24</c>, list items of net
/// fields): one reader, so that what enforcement puts in the kernel is exactly what the rule compares against.
/// </summary>
public static class NetworkLiteral
{
    /// <summary>
    /// <c>a.b.c.d/len</c> (or IPv6) as a rule's network value; host bits of the literal are ignored, like libsinsp's
    /// masked compare, and an IPv4 part must be four decimal parts as inet_pton reads them.
    /// </summary>
    public static bool TryParse(string text, out IPNetwork network) => TryParse(text, out network, out _);

    /// <summary>
    /// As <see cref="TryParse(string, out IPNetwork)"/>, with libsinsp's reason when the text is not a network
    /// (<c>invalid netmask 33</c>; an IPv6 mask must be 1 to 128: <c>invalid v6 netmask 0</c>).
    /// </summary>
    public static bool TryParse(string text, out IPNetwork network, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        network = default;
        error = $"unrecognized IP network {text}";
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || (text.AsSpan(0, slash).Contains('.') && !ValueTypes.IsDottedQuad(text.AsSpan(0, slash)))
            || !IPAddress.TryParse(text.AsSpan(0, slash), out IPAddress? address)
            || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int prefix))
        {
            return false;
        }
        bool v4 = address.AddressFamily == AddressFamily.InterNetwork;
        if (v4 ? prefix > 32 : prefix is 0 or > 128)
        {
            error = v4 ? $"invalid netmask {prefix}" : $"invalid v6 netmask {prefix}";
            return false;
        }
        error = null;
        int max = v4 ? 32 : 128;
        byte[] bytes = address.GetAddressBytes();
        for (int bit = prefix; bit < max; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }
        network = new IPNetwork(new IPAddress(bytes), prefix);
        return true;
    }
}
