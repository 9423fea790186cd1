using System.Net;

namespace Falconet.Dns;

/// <summary>The <c>nameserver</c> lines of a resolv.conf, which is all the background resolver takes from it.</summary>
public static class ResolvConf
{
    /// <summary>Where the system resolver's configuration lives.</summary>
    public const string DefaultPath = "/etc/resolv.conf";

    /// <summary>
    /// The servers of <paramref name="text"/>, in order, on port 53. Lines that are not <c>nameserver ADDRESS</c> are
    /// ignored, as are addresses that do not parse. When there is none, glibc's default, the local host, is returned.
    /// </summary>
    public static IReadOnlyList<IPEndPoint> ParseNameservers(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var servers = new List<IPEndPoint>();
        foreach (string rawLine in text.Split('\n'))
        {
            ReadOnlySpan<char> line = rawLine.AsSpan().Trim();
            if (!line.StartsWith("nameserver") || line.Length == "nameserver".Length || !char.IsWhiteSpace(line["nameserver".Length]))
            {
                continue;
            }
            ReadOnlySpan<char> value = line["nameserver".Length..].Trim();
            int end = value.IndexOfAny(" \t#;");
            if (end >= 0)
            {
                value = value[..end];
            }
            if (IPAddress.TryParse(value, out IPAddress? address))
            {
                servers.Add(new IPEndPoint(address, 53));
            }
        }
        if (servers.Count == 0)
        {
            servers.Add(new IPEndPoint(IPAddress.Loopback, 53));
        }
        return servers;
    }

    /// <summary>The servers of the file at <paramref name="path"/>; the local host when it is missing or lists none.</summary>
    public static IReadOnlyList<IPEndPoint> LoadNameservers(string path = DefaultPath)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException)
        {
            text = "";
        }
        catch (UnauthorizedAccessException)
        {
            text = "";
        }
        return ParseNameservers(text);
    }
}
