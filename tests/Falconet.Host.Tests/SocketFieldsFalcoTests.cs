using Falconet.TestKit;

namespace Falconet.Host.Tests;

/// <summary>
/// Socket fields in every state of a socket's life (<see cref="SocketStatesCapture"/>: created, bound, listening,
/// accepted, connecting, connected, reconnected, sending, closed; IPv4 and IPv6, TCP and UDP) against Falco 0.44.1.
/// The oracle is the Falco build in ../shared/peer run once over this generated capture (one rule printing the format,
/// one rule per filter; <c>falco-peer --no-suggested -e sockets.scap -o rule_matching=all</c>); its output is kept
/// beside this file. sysdig 0.29 cannot serve here: it predates the accept4 layout and files an IPv6 bind to :: the
/// old way.
/// </summary>
public sealed class SocketFieldsFalcoTests
{
    private const string Format = "*%evt.num %evt.type %fd.num %fd.type %fd.typechar %fd.name %fd.cip %fd.cport %fd.sip %fd.sport "
        + "%fd.lip %fd.lport %fd.rip %fd.rport %fd.cproto %fd.sproto %fd.lproto %fd.rproto %fd.l4proto %fd.sockfamily "
        + "%fd.is_server %fd.connected %fd.name_changed";

    [Fact]
    public void EndAndRoleFieldsEqualFalcosInEveryState()
    {
        using var dir = new TempDirectory();
        string path = Write(dir);
        string[] expected = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "SocketStates.falco.txt"));
        Assert.Equal(46, expected.Length);
        Assert.Equal(expected, Inspect(path, Format, null));
    }

    public static TheoryData<string, string> Filters()
    {
        var data = new TheoryData<string, string>();
        foreach (string line in File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "SocketStatesFilters.falco.txt")))
        {
            string[] parts = line.Split('\t');
            data.Add(parts[0], parts[1]);
        }
        return data;
    }

    /// <summary>The either-end fields (fd.ip, fd.port, fd.proto, fd.net: filter only) and the others, as conditions.</summary>
    [Theory]
    [MemberData(nameof(Filters))]
    public void FiltersMatchTheEventsFalcosMatch(string condition, string expectedNumbers)
    {
        using var dir = new TempDirectory();
        string path = Write(dir);
        Assert.Equal(expectedNumbers, string.Join(' ', Inspect(path, "%evt.num", condition)));
    }

    private static string Write(TempDirectory dir)
    {
        string path = dir.File("sockets.scap");
        SocketStatesCapture.Write(path);
        return path;
    }

    private static List<string> Inspect(string path, string format, string? filter)
    {
        var output = new StringWriter();
        int rc = InspectCommand.Run(new InspectRequest { CapturePath = path, Format = format, Filter = filter },
            new ConsoleStreams(output, new StringWriter(), Stream.Null), CancellationToken.None);
        Assert.Equal(ExitCodes.Success, rc);
        return [.. output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }
}
