using System.Buffers;
using System.Text;
using System.Text.Json;
using Falconet.Core.Alerts;
using Falconet.Core.Events;
using Falconet.Fields;
using Falconet.Fields.OutputFormats;
using OutputFormat = Falconet.Fields.OutputFormats.OutputFormat;
using Falconet.Rules.Conditions;
using Falconet.Rules.Loading;
using Falconet.State;

namespace Falconet.Engine;

/// <summary>
/// Runs the loaded rules on each event. Rules are bucketed by the event types their condition can match,
/// so an event only meets the rules that could fire on it; within a bucket rules keep definition order.
/// </summary>
public sealed class RuleEngine
{
    private readonly ActiveRule[][] _byEventType;
    private readonly RuleEngineOptions _options;
    private readonly OutputFormat _timeField;
    private readonly ArrayBufferWriter<byte> _json = new(1024);
    private readonly Utf8JsonWriter _jsonWriter;
    private readonly List<ActiveRule> _matched = [];

    private RuleEngine(IReadOnlyList<ActiveRule> rules, ActiveRule[][] byEventType, RuleEngineOptions options, FieldRegistry registry)
    {
        Rules = rules;
        _byEventType = byEventType;
        _options = options;
        _timeField = OutputFormat.Parse(options.TimeFormatIso8601 ? "*%evt.time.iso8601" : "*%evt.time", registry);
        _jsonWriter = new Utf8JsonWriter(_json, JsonOutput.WriterOptions);
    }

    /// <summary>The enabled rules at or above the minimum priority, in definition order.</summary>
    public IReadOnlyList<ActiveRule> Rules { get; }

    /// <summary>Events that met at least one rule's condition check.</summary>
    public long EventsEvaluated { get; private set; }

    /// <summary>
    /// Selects the enabled syscall rules of <paramref name="ruleSet"/> at or above the minimum priority. Conditions and
    /// outputs run as the loader compiled them; <paramref name="registry"/> (the loader's) only compiles the time field.
    /// </summary>
    public static RuleEngine Build(RuleSet ruleSet, RuleEngineOptions options, FieldRegistry? registry = null)
    {
        registry ??= FieldRegistry.Default;
        var active = new List<ActiveRule>();
        foreach (CompiledRule rule in ruleSet.Rules.OrderBy(r => r.Index))
        {
            bool enabled = RuleSelector.Apply(options.Selectors, rule.Name, rule.Tags, rule.Enabled);
            if (enabled && rule.Priority <= options.MinimumPriority && rule.Source == "syscall")
            {
                active.Add(new ActiveRule(rule, [.. rule.Tags]));
            }
        }

        var buckets = new List<ActiveRule>[EventTable.EventMax];
        foreach (ActiveRule rule in active)
        {
            foreach (ushort type in rule.Rule.EventTypes)
            {
                if (type < buckets.Length)
                {
                    (buckets[type] ??= []).Add(rule);
                }
            }
        }
        ActiveRule[][] byType = buckets.Select(b => b?.ToArray() ?? []).ToArray();
        return new RuleEngine(active, byType, options, registry);
    }

    /// <summary>The event types at least one rule needs; live capture uses it to filter in the kernel.</summary>
    public IReadOnlySet<ushort> InterestingEventTypes()
    {
        var set = new HashSet<ushort>();
        for (int i = 0; i < _byEventType.Length; i++)
        {
            if (_byEventType[i].Length > 0)
            {
                set.Add((ushort)i);
            }
        }
        return set;
    }

    /// <summary>
    /// Evaluates the rules for the event in <paramref name="context"/> and hands each alert to <paramref name="onAlert"/>.
    /// Allocates only when a rule fires.
    /// </summary>
    public int Evaluate(EventContext context, Action<Alert> onAlert)
    {
        ushort type = context.Event.Type;
        if (type >= _byEventType.Length)
        {
            return 0;
        }
        ActiveRule[] rules = _byEventType[type];
        if (rules.Length == 0)
        {
            return 0;
        }
        EventsEvaluated++;
        // Every condition first, then the outputs, as Falco does: a field that keeps state between extractions
        // (thread.cpu*) shows it.
        _matched.Clear();
        foreach (ActiveRule rule in rules)
        {
            if (!rule.Condition.Evaluate(context))
            {
                continue;
            }
            rule.Matches++;
            _matched.Add(rule);
            if (_options.RuleMatching == RuleMatching.First)
            {
                break;
            }
        }
        foreach (ActiveRule rule in _matched)
        {
            onAlert(CreateAlert(rule, context));
        }
        return _matched.Count;
    }

    private Alert CreateAlert(ActiveRule rule, EventContext context)
    {
        // The text first, then the fields, each field resolved twice: Falco's order, which fields that keep state
        // between extractions (evt.deltatime, thread.cpu*) show.
        string text = rule.Output.RenderText(context);
        string? fieldsJson = null;
        if (_options.IncludeOutputFields)
        {
            _json.Clear();
            _jsonWriter.Reset(_json);
            rule.Output.WriteFields(_jsonWriter, context, _timeField, resolveTwice: true);
            _jsonWriter.Flush();
            fieldsJson = Encoding.UTF8.GetString(_json.WrittenSpan);
        }
        return new Alert(
            context.Event.Timestamp,
            rule.Rule.Priority,
            rule.Rule.Name,
            text,
            fieldsJson,
            rule.Rule.Source,
            rule.Tags,
            _options.Hostname);
    }
}
