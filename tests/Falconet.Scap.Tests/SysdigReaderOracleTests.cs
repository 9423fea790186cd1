using System.Diagnostics;
using System.Globalization;
using Falconet.Core.Events;
using Falconet.TestKit;

namespace Falconet.Scap.Tests;

/// <summary>sysdig 0.29.3 as an independent reader: every event it reports must be ours at the same evt.num.</summary>
public sealed class SysdigReaderOracleTests
{
    private static string? FindSysdig()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, "sysdig");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    [Theory]
    [InlineData("cat_write")]
    [InlineData("connect_localhost")]
    [InlineData("curl_google")]
    [InlineData("empty")]
    [InlineData("open-multiple-files")]
    [InlineData("syscall")]
    [InlineData("test_ipv6_client")]
    public void Every_event_sysdig_reports_matches_ours(string name)
    {
        SharedData.SkipIfAbsent();
        string? sysdig = FindSysdig();
        Oracle.Require(sysdig is not null, "sysdig is not installed (apt-get install sysdig) to serve as an oracle");
        string capture = SharedData.Capture(name);

        var ours = new List<(ulong Ts, bool Enter, ushort Cpu, string Name)>();
        using (ScapReader reader = ScapReader.Open(capture))
        {
            var evt = new ScapEvent();
            while (reader.TryReadEvent(evt))
            {
                ours.Add((evt.Timestamp, evt.IsEnter, evt.Cpu, evt.Info.Name));
            }
        }

        var printed = new HashSet<ulong>();
        foreach (string line in RunSysdig(sysdig!, capture))
        {
            string[] f = line.Split(' ');
            if (f.Length != 4 || !ulong.TryParse(f[0], CultureInfo.InvariantCulture, out ulong num))
            {
                continue;
            }
            Assert.InRange(num, 1UL, (ulong)ours.Count);
            (ulong ts, bool enter, ushort cpu, _) = ours[(int)(num - 1)];
            Assert.Equal(f[1], ts.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(f[2], enter ? ">" : "<");
            Assert.Equal(f[3], cpu.ToString(CultureInfo.InvariantCulture));
            Assert.True(printed.Add(num), $"sysdig printed event {num} twice");
        }
        // sysdig pre-consumes the container events at the start of a capture (3 in empty and open-multiple-files)
        // and prints every other event: exactly those, and nothing else, are absent from its listing.
        int leadingContainers = ours.TakeWhile(e => e.Name == "container").Count();
        var absent = Enumerable.Range(1, ours.Count).Select(n => (ulong)n).Where(n => !printed.Contains(n)).ToList();
        Assert.Equal(Enumerable.Range(1, leadingContainers).Select(n => (ulong)n), absent);
    }

    private static List<string> RunSysdig(string sysdig, string capture)
    {
        var psi = new ProcessStartInfo(sysdig)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "-D", "-r", capture, "-p", "%evt.num %evt.rawtime %evt.dir %evt.cpu" })
        {
            psi.ArgumentList.Add(arg);
        }
        using Process process = Process.Start(psi)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        while (process.StandardOutput.ReadLine() is { } line)
        {
            lines.Add(line);
        }
        if (!process.WaitForExit(120_000))
        {
            process.Kill();
            Assert.Fail($"sysdig did not finish on {capture}");
        }
        Assert.True(process.ExitCode == 0, $"sysdig failed ({process.ExitCode}): {stderr.Result}");
        return lines;
    }
}
