namespace Falconet.Rules.Loading;

/// <summary>
/// Collects items across rules files in load order and applies appends, overrides and redefinitions
/// as Falco does. One counter orders all lists, macros and rules: a list or macro sees only the lists and
/// macros defined before its last definition or append, and a redefined rule keeps its original place.
/// </summary>
internal sealed class RuleCollector
{
    private int _nextIndex;
    private readonly List<PluginRequirement> _pluginRequirements = [];

    public IndexedItems<ListInfo> Lists { get; } = new();
    public IndexedItems<MacroInfo> Macros { get; } = new();
    public IndexedItems<RuleInfo> Rules { get; } = new();

    /// <summary>The highest <c>required_engine_version</c> seen, if any.</summary>
    public EngineVersion? RequiredEngineVersion { get; private set; }

    public IReadOnlyList<PluginRequirement> PluginRequirements => _pluginRequirements;

    internal void RequireEngineVersion(EngineVersion required, LoadContext context)
    {
        EngineVersion current = EngineVersion.Current;
        if (!current.IsCompatibleWith(required))
        {
            throw new RuleLoadException(LoadErrorCode.Validate,
                $"Rules require engine version {required}, but engine version is {current}", context);
        }
        if (RequiredEngineVersion is null || RequiredEngineVersion.Value.CompareTo(required) < 0)
        {
            RequiredEngineVersion = required;
        }
    }

    internal void RequirePlugins(PluginRequirement requirement)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (PluginVersionRequirement alternative in requirement.Alternatives)
        {
            if (!EngineVersion.TryParse(alternative.Version, out _))
            {
                throw new RuleLoadException(LoadErrorCode.Validate,
                    $"Invalid required version '{alternative.Version}' for plugin '{alternative.Name}'", requirement.Context);
            }
            if (!names.Add(alternative.Name))
            {
                throw new RuleLoadException(LoadErrorCode.Validate,
                    $"Defined multiple alternative version requirements for plugin '{alternative.Name}'", requirement.Context);
            }
        }
        _pluginRequirements.Add(requirement);
    }

    internal void DefineList(ListInfo list) => Define(Lists, list);

    internal void AppendList(ListInfo list)
    {
        ListInfo previous = Append(Lists, list, "List uses 'append' or 'override.items: append' but no list by that name already exists");
        previous.Items.AddRange(list.Items);
    }

    internal void DefineMacro(MacroInfo macro) => Define(Macros, macro);

    internal void AppendMacro(MacroInfo macro)
    {
        MacroInfo previous = Append(Macros, macro, "Macro uses 'append' or 'override.condition: append' but no macro by that name already exists");
        previous.Condition = previous.Condition + " " + macro.Condition;
    }

    /// <summary>A (re)definition keeps the first definition's place in the order and sees everything defined so far.</summary>
    private void Define<T>(IndexedItems<T> items, T item) where T : CollectedItem
    {
        int id = _nextIndex++;
        T? previous = items.Find(item.Name);
        item.Index = previous?.Index ?? id;
        item.Visibility = id;
        items.Set(item.Name, item);
    }

    /// <summary>The item an append extends, which from now on also sees what was defined before the append.</summary>
    private T Append<T>(IndexedItems<T> items, T item, string missingMessage) where T : CollectedItem
    {
        T previous = items.Find(item.Name) ?? throw new RuleLoadException(LoadErrorCode.Validate, missingMessage, item.Context);
        previous.Visibility = _nextIndex++;
        return previous;
    }

    internal void DefineRule(RuleInfo rule, ISet<string> knownSources, Falconet.Fields.FieldRegistry fields, FileLoadResult result)
    {
        RuleInfo? previous = Rules.Find(rule.Name);
        if (previous is not null && previous.Source != rule.Source)
        {
            throw new RuleLoadException(LoadErrorCode.Validate, "Rule has been re-defined with a different source", rule.Context);
        }
        bool knownSource = knownSources.Contains(rule.Source);
        if (!knownSource)
        {
            rule.UnknownSource = true;
            result.Add(LoadDiagnostic.Warning(LoadWarningCode.UnknownSource, $"Unknown source {rule.Source}, skipping", rule.Context));
        }
        foreach (ExceptionInfo exception in rule.Exceptions)
        {
            if (!exception.Fields.IsValid)
            {
                throw new RuleLoadException(LoadErrorCode.Validate,
                    "Rule exception item must have fields property with a list of fields", exception.Context);
            }
            ExceptionRewriter.Validate(exception, knownSource ? fields : null);
        }
        int id = _nextIndex++;
        rule.Index = previous?.Index ?? id;
        rule.Visibility = id;
        Rules.Set(rule.Name, rule);
    }

    internal void AppendRule(RuleUpdate update, Falconet.Fields.FieldRegistry fields)
    {
        RuleInfo previous = Rules.Find(update.Name) ?? throw new RuleLoadException(LoadErrorCode.Validate,
            "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists", update.Context);
        if (!update.HasAnyValue)
        {
            throw new RuleLoadException(LoadErrorCode.Validate, "Appended rule must have exceptions or condition property", update.Context);
        }
        if (!string.IsNullOrEmpty(update.Condition))
        {
            previous.Condition = previous.Condition + " " + update.Condition;
        }
        if (!string.IsNullOrEmpty(update.Output))
        {
            previous.Output = previous.Output + " " + update.Output;
        }
        if (!string.IsNullOrEmpty(update.Description))
        {
            previous.Description = previous.Description + " " + update.Description;
        }
        if (update.Tags is not null)
        {
            previous.Tags.UnionWith(update.Tags);
        }
        if (update.Exceptions is not null)
        {
            foreach (ExceptionInfo exception in update.Exceptions)
            {
                ExceptionInfo? existing = previous.Exceptions.Find(e => e.Name == exception.Name);
                if (existing is null)
                {
                    if (!exception.Fields.IsValid)
                    {
                        throw new RuleLoadException(LoadErrorCode.Validate,
                            "Rule exception must have fields property with a list of fields", exception.Context);
                    }
                    if (exception.Values.Count == 0)
                    {
                        throw new RuleLoadException(LoadErrorCode.Validate,
                            "Rule exception must have values property with a list of values", exception.Context);
                    }
                    ExceptionRewriter.Validate(exception, previous.UnknownSource ? null : fields);
                    previous.Exceptions.Add(exception);
                }
                else
                {
                    if (exception.Fields.IsValid)
                    {
                        throw new RuleLoadException(LoadErrorCode.Validate,
                            "Can not append exception fields to existing exception, only values", exception.Context);
                    }
                    if (exception.Comps.IsValid)
                    {
                        throw new RuleLoadException(LoadErrorCode.Validate,
                            "Can not append exception comps to existing exception, only values", exception.Context);
                    }
                    existing.Values.AddRange(exception.Values);
                }
            }
        }
        previous.Visibility = _nextIndex++;
    }

    internal void ReplaceInRule(RuleUpdate update)
    {
        RuleInfo previous = Rules.Find(update.Name) ?? throw new RuleLoadException(LoadErrorCode.Validate,
            "An 'override.<key>: replace' to a rule was requested but no rule by that name already exists", update.Context);
        if (!update.HasAnyValue)
        {
            throw new RuleLoadException(LoadErrorCode.Validate, "The rule must have at least one field that can be replaced", update.Context);
        }
        if (update.Condition is not null)
        {
            previous.Condition = update.Condition;
            if (update.ConditionContext is not null)
            {
                previous.ConditionContext = update.ConditionContext;
            }
        }
        previous.Output = update.Output ?? previous.Output;
        previous.Description = update.Description ?? previous.Description;
        previous.Tags = update.Tags ?? previous.Tags;
        previous.Exceptions = update.Exceptions ?? previous.Exceptions;
        previous.Priority = update.Priority ?? previous.Priority;
        previous.Enabled = update.Enabled ?? previous.Enabled;
        previous.WarnEventTypes = update.WarnEventTypes ?? previous.WarnEventTypes;
        previous.SkipIfUnknownFilter = update.SkipIfUnknownFilter ?? previous.SkipIfUnknownFilter;
        previous.Capture = update.Capture ?? previous.Capture;
        previous.CaptureDuration = update.CaptureDuration ?? previous.CaptureDuration;
        previous.Visibility = _nextIndex++;
    }

    /// <summary>The legacy form: a rule item with only <c>enabled</c>.</summary>
    internal void EnableRule(string name, bool enabled, LoadContext context)
    {
        RuleInfo previous = Rules.Find(name) ?? throw new RuleLoadException(LoadErrorCode.Validate,
            "Rule has 'enabled' key but no rule by that name already exists", context);
        previous.Enabled = enabled;
    }
}
