using Falconet.Core.Alerts;
using Falconet.Fields.Formatting;
using Falconet.Rules.Conditions;

namespace Falconet.Rules.Loading;

/// <summary>A list after list-in-list expansion (falco-reference §1.6).</summary>
public sealed class CompiledList(ListInfo info, IReadOnlyList<string> items, IReadOnlyList<string> referencedLists)
{
    public ListInfo Info { get; } = info;
    public string Name => Info.Name;

    /// <summary>Items with references to earlier lists replaced by those lists' raw items.</summary>
    public IReadOnlyList<string> Items { get; } = items;

    /// <summary>
    /// <see cref="Items"/> as values in a condition: an item written quoted (<c>'"10.0.0.0/8"'</c>) stands for the
    /// unquoted string, as if the list had been pasted into the condition text.
    /// </summary>
    public IReadOnlyList<string> ExpandedItems { get; } =
        [.. items.Select(item => ConditionParser.TryReadQuotedString(item, out string? value) ? value : item)];

    /// <summary>The lists this list's items named (and that were expanded).</summary>
    public IReadOnlyList<string> ReferencedLists { get; } = referencedLists;

    /// <summary>Whether any list, macro or rule used it.</summary>
    public bool Used { get; internal set; }
}

/// <summary>A macro with its condition parsed, lists substituted and earlier macros expanded.</summary>
public sealed class CompiledMacro(MacroInfo info, ConditionNode condition)
{
    public MacroInfo Info { get; } = info;
    public string Name => Info.Name;
    public ConditionNode Condition { get; internal set; } = condition;

    /// <summary>Whether another macro or a rule referred to it.</summary>
    public bool Used { get; internal set; }
}

/// <summary>
/// A compiled rule, ready for the engine: the expanded condition AST, its event types, and the
/// metadata Falco prints in alerts and in <c>-L</c>.
/// </summary>
public sealed class CompiledRule
{
    internal CompiledRule(RuleInfo info, ConditionNode condition, IReadOnlySet<string> exceptionFields, EventTypeSet eventTypeNames,
        string output, CompiledCondition compiledCondition, OutputFormat format)
    {
        CompiledCondition = compiledCondition;
        Format = format;
        Info = info;
        Condition = condition;
        ExceptionFields = exceptionFields;
        EventTypeNames = eventTypeNames;
        EventTypes = eventTypeNames.ToEventTypeIds();
        Output = output;
    }

    /// <summary>The rule as collected (condition text as written after appends, contexts for diagnostics).</summary>
    public RuleInfo Info { get; }

    public string Name => Info.Name;

    /// <summary>The condition after exceptions, list substitution and macro expansion.</summary>
    public ConditionNode Condition { get; }

    /// <summary>
    /// <see cref="Condition"/> bound to the fields and compiled to evaluators, once, by the loader. It holds extractor
    /// state, so one engine at a time runs a rule set.
    /// </summary>
    public CompiledCondition CompiledCondition { get; }

    /// <summary><see cref="Output"/> compiled with the <c>*</c> prefix (missing values print as <c>&lt;NA&gt;</c>), as Falco renders rule outputs.</summary>
    public OutputFormat Format { get; }

    public Priority Priority => Info.Priority;
    public IReadOnlyCollection<string> Tags => Info.Tags;
    public string Source => Info.Source;

    /// <summary>The output format string (trimmed; <c>%container.info</c> removed).</summary>
    public string Output { get; }

    public string Description => Info.Description;
    public bool Enabled => Info.Enabled;
    public bool Capture => Info.Capture;
    public ulong CaptureDuration => Info.CaptureDuration;

    /// <summary>
    /// The event type codes (<c>PPME_*</c>, enter and exit) the condition can match, sorted; every code when the
    /// condition does not restrict <c>evt.type</c>. Events of other types never need to run this rule. A syscall
    /// name without a dedicated event (<c>evt.type = alarm</c>) brings in the generic event types.
    /// </summary>
    public IReadOnlyList<ushort> EventTypes { get; }

    /// <summary>The <c>evt.type</c> names the condition can match, as Falco computes them (<c>asyncevent</c> included).</summary>
    public EventTypeSet EventTypeNames { get; }

    public IReadOnlySet<string> ExceptionFields { get; }

    /// <summary>Definition order: rules run in this order.</summary>
    public int Index => Info.Index;
}

/// <summary>Everything a successful load produced: rules in evaluation order, macros, lists, requirements.</summary>
public sealed class RuleSet
{
    internal RuleSet(IReadOnlyList<CompiledRule> rules, IReadOnlyList<CompiledMacro> macros, IReadOnlyList<CompiledList> lists,
        EngineVersion? requiredEngineVersion, IReadOnlyList<PluginRequirement> pluginRequirements)
    {
        Rules = rules;
        Macros = macros;
        Lists = lists;
        RequiredEngineVersion = requiredEngineVersion;
        PluginRequirements = pluginRequirements;
    }

    public static RuleSet Empty { get; } = new([], [], [], null, []);

    public IReadOnlyList<CompiledRule> Rules { get; }
    public IReadOnlyList<CompiledMacro> Macros { get; }
    public IReadOnlyList<CompiledList> Lists { get; }
    public EngineVersion? RequiredEngineVersion { get; }
    public IReadOnlyList<PluginRequirement> PluginRequirements { get; }

    public CompiledRule? FindRule(string name) => Rules.FirstOrDefault(r => r.Name == name);
}
