using System.Text.Json;
using Falconet.Core.Alerts;
using Falconet.Core.Events;
using Falconet.Core.Snapshot;
using Falconet.Engine;
using Falconet.Rules.Loading;
using Falconet.State;

namespace Falconet.Engine.Tests;

public sealed class RuleEngineTests
{
    private const string Rules = """
        - rule: connect to web
          desc: any connect to port 443
          condition: evt.type = connect and fd.sport = 443
          output: web %fd.name by %proc.name
          priority: WARNING
          tags: [network, web]
        - rule: any connect
          desc: every connect
          condition: evt.type = connect
          output: connect %fd.name
          priority: DEBUG
          tags: [network]
        - rule: opens
          desc: opens
          condition: evt.type in (open, openat)
          output: open %fd.name
          priority: NOTICE
        """;

    private static (SystemState State, List<ScapEvent> Events) Scenario()
    {
        var state = new SystemState();
        state.OnThread(new ThreadRecord { Tid = 100, Pid = 100, ParentTid = 1, Comm = "curl", Exe = "curl", Cwd = "/" });
        state.OnSnapshotComplete();
        List<ScapEvent> events =
        [
            EventBuilder.SocketExit(1_000, 100, 3),
            EventBuilder.ConnectExitV4(2_000, 100, 3, "192.0.2.5", 40000, "198.51.100.10", 443),
            EventBuilder.OpenatExit(3_000, 100, 4, "/etc/passwd"),
        ];
        return (state, events);
    }

    private static List<Alert> Run(RuleEngineOptions options)
    {
        LoadResult loaded = RulesLoader.LoadText("test.yaml", Rules);
        Assert.True(loaded.Success, loaded.ToText());
        RuleEngine engine = RuleEngine.Build(loaded.RuleSet, options);
        (SystemState state, List<ScapEvent> events) = Scenario();
        var alerts = new List<Alert>();
        foreach (ScapEvent e in events)
        {
            if (state.Process(e))
            {
                engine.Evaluate(state.Context, alerts.Add);
            }
        }
        return alerts;
    }

    [Fact]
    public void FirstMatchStopsAtTheFirstRuleInDefinitionOrder()
    {
        List<Alert> alerts = Run(new RuleEngineOptions { RuleMatching = RuleMatching.First });
        Assert.Equal(["connect to web", "opens"], alerts.Select(a => a.Rule));
        Assert.Equal("web 192.0.2.5:40000->198.51.100.10:443 by curl", alerts[0].Output);
        Assert.Equal(Priority.Warning, alerts[0].Priority);
        Assert.Equal(["network", "web"], alerts[0].Tags);
    }

    [Fact]
    public void AllMatchingReportsEveryRule()
    {
        List<Alert> alerts = Run(new RuleEngineOptions { RuleMatching = RuleMatching.All });
        Assert.Equal(["connect to web", "any connect", "opens"], alerts.Select(a => a.Rule));
    }

    [Fact]
    public void MinimumPriorityLeavesOutLessSevereRules()
    {
        List<Alert> alerts = Run(new RuleEngineOptions { RuleMatching = RuleMatching.All, MinimumPriority = Priority.Notice });
        Assert.Equal(["connect to web", "opens"], alerts.Select(a => a.Rule));
    }

    [Fact]
    public void SelectorsDisableByTagAndEnableByWildcardInOrder()
    {
        List<Alert> alerts = Run(new RuleEngineOptions
        {
            RuleMatching = RuleMatching.All,
            Selectors = [new RuleSelector(false, null, "network"), new RuleSelector(true, "*web", null)],
        });
        Assert.Equal(["connect to web", "opens"], alerts.Select(a => a.Rule));
    }

    [Fact]
    public void RulesAreBucketedByTheEventTypesTheyCanMatch()
    {
        LoadResult loaded = RulesLoader.LoadText("test.yaml", Rules);
        RuleEngine engine = RuleEngine.Build(loaded.RuleSet, new RuleEngineOptions());
        IReadOnlySet<ushort> types = engine.InterestingEventTypes();
        Assert.Contains((ushort)23, types);   // connect exit
        Assert.Contains((ushort)307, types);  // openat exit
        Assert.DoesNotContain((ushort)5, types); // close exit: no rule
    }

    [Fact]
    public void OutputFieldsCarryTheTypedValuesAndTheEventTime()
    {
        List<Alert> alerts = Run(new RuleEngineOptions { IncludeOutputFields = true });
        using JsonDocument fields = JsonDocument.Parse(alerts[0].OutputFieldsJson!);
        Assert.Equal(2_000, fields.RootElement.GetProperty("evt.time").GetInt64());
        Assert.Equal("curl", fields.RootElement.GetProperty("proc.name").GetString());
        Assert.Equal("192.0.2.5:40000->198.51.100.10:443", fields.RootElement.GetProperty("fd.name").GetString());
    }
}
