using Falconet.TestKit;

namespace Falconet.Live.Tests;

/// <summary>
/// Hot reload during live capture: SIGHUP with a broken rules file logs the errors and the old rules keep alerting;
/// a valid change takes over without a restart; every marked process start is alerted exactly once across both.
/// </summary>
public sealed class LiveReloadTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);

    private static string Rule(string name, string marker) => $"""
        - rule: {name}
          desc: a marked start of true(1)
          condition: evt.type = execve and evt.dir = < and proc.name = true and proc.args contains "{marker}"
          output: "{name} %proc.cmdline"
          priority: WARNING
        """;

    private const string Broken = """
        - rule: broken
          desc: d
          condition: evt.type = execve and (proc.name = x
          output: o
          priority: WARNING
        """;

    private static void WaitFor(LiveFalconet falconet, Func<bool> condition, string what)
    {
        DateTime limit = DateTime.UtcNow + s_limit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < limit, $"not within {s_limit}: {what}\nstderr:\n{falconet.StandardError}");
            Thread.Sleep(50);
        }
    }

    private static ReceivedAlert Alerted(LiveFalconet falconet, string cmdline)
    {
        ReceivedAlert? alert = falconet.WaitForAlert(a => a.Text("proc.cmdline") == cmdline, s_limit);
        Assert.True(alert is not null, $"no alert for '{cmdline}' within {s_limit}\nalerts:\n"
            + string.Join('\n', falconet.Alerts.Select(a => a.Line)) + "\nstderr:\n" + falconet.StandardError);
        return alert;
    }

    [Fact]
    public void Sighup_keeps_the_old_rules_on_a_broken_file_and_switches_to_a_valid_one_live()
    {
        HostTools.SkipUnlessRootWithBtf();
        using TempDirectory dir = new();
        string marker = "flreload" + Guid.NewGuid().ToString("N")[..10];
        string rules = dir.File("rules.yaml");
        File.WriteAllText(rules, Rule("reload v1", marker));
        using LiveFalconet falconet = LiveFalconet.Start("-r", rules);

        string first = "true " + marker + "-1";
        HostTools.Run("/usr/bin/true", marker + "-1");
        Assert.Equal("reload v1", Alerted(falconet, first).Rule);

        File.WriteAllText(rules, Broken);
        falconet.Signal("HUP");
        WaitFor(falconet, () => falconet.StandardError.Contains("reload (SIGHUP) rejected", StringComparison.Ordinal)
            && falconet.StandardError.Contains("LOAD_ERR_COMPILE_CONDITION", StringComparison.Ordinal), "the broken set rejected with its errors");
        string second = "true " + marker + "-2";
        HostTools.Run("/usr/bin/true", marker + "-2");
        Assert.Equal("reload v1", Alerted(falconet, second).Rule);

        File.WriteAllText(rules, Rule("reload v2", marker));
        falconet.Signal("HUP");
        WaitFor(falconet, () => falconet.StandardError.Contains("reload (SIGHUP): 1 rules loaded", StringComparison.Ordinal), "the valid set loaded");
        string third = "true " + marker + "-3";
        HostTools.Run("/usr/bin/true", marker + "-3");
        Assert.Equal("reload v2", Alerted(falconet, third).Rule);

        Assert.Equal(0, falconet.Stop());
        // Each marked start alerted once, by the rule set running at the time, and nothing else by these rules.
        List<ReceivedAlert> ours = [.. falconet.Alerts.Where(a => a.Rule.StartsWith("reload v", StringComparison.Ordinal))];
        Assert.Equal([first, second, third], ours.Select(a => a.Text("proc.cmdline")));
        Assert.Equal(["reload v1", "reload v1", "reload v2"], ours.Select(a => a.Rule));
        Assert.Contains(falconet.Alerts, a => a.Rule == "Falco internal: hot restart failure");
    }
}
