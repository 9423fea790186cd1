using Falconet.Fields;
using Falconet.Fields.OutputFormats;
using Falconet.Rules.Conditions;

namespace Falconet.Rules.Loading;

/// <summary>
/// Compiles everything collected so far, in definition order: lists (list-in-list), macros (list substitution,
/// expansion of visible macros, loop detection), rules (exceptions, output check, condition check, event types),
/// then unused-item warnings. Stops at the first error, as Falco does.
/// </summary>
internal sealed class RuleCompiler
{
    /// <summary>Falco warns when a rule matches more than this many event codes.</summary>
    public const int MaxEventTypesWithoutWarning = 100;

    private static readonly string[] s_deprecatedFields =
        ["evt.dir", "evt.latency", "evt.latency.s", "evt.latency.ns", "evt.latency.human", "evt.wait_latency"];

    private const string DirDeprecation =
        "due to the drop of enter events, 'evt.dir = <' always evaluates to true, and 'evt.dir = >' always evaluates to false. The rule expression can be simplified by removing the condition on 'evt.dir'";

    private const string LatencyDeprecation = "field is not available due to the drop of enter events.";

    private readonly RuleCollector _collector;
    private readonly FileLoadResult _result;
    private readonly FieldRegistry _fields;
    private readonly ConditionCompiler _conditions;
    private readonly OutputTransformerCompiler _outputTransformers;

    public RuleCompiler(RuleCollector collector, FileLoadResult result, FieldRegistry fields, ConditionCompilerOptions conditionOptions)
    {
        _collector = collector;
        _result = result;
        _fields = fields;
        _outputTransformers = new OutputTransformerCompiler(fields);
        _conditions = new ConditionCompiler(fields, conditionOptions);
    }

    /// <summary>Compiles; on error records it and returns null.</summary>
    public RuleSet? Compile()
    {
        List<CompiledList> lists;
        List<CompiledMacro> macros;
        List<CompiledRule> rules;
        try
        {
            lists = CompileLists();
            macros = CompileMacros(lists);
            rules = CompileRules(lists, macros);
        }
        catch (RuleLoadException e)
        {
            _result.Add(e.ToDiagnostic());
            return null;
        }
        foreach (CompiledMacro macro in macros.Where(m => !m.Used))
        {
            _result.Add(LoadDiagnostic.Warning(LoadWarningCode.UnusedMacro, "Macro not referred to by any other rule/macro", macro.Info.Context));
        }
        foreach (CompiledList list in lists.Where(l => !l.Used))
        {
            _result.Add(LoadDiagnostic.Warning(LoadWarningCode.UnusedList, "List not referred to by any other rule/macro", list.Info.Context));
        }
        return new RuleSet(rules, macros, lists, _collector.RequiredEngineVersion, _collector.PluginRequirements);
    }

    private List<CompiledList> CompileLists()
    {
        var compiled = new List<CompiledList>();
        var usedNames = new List<string>();
        foreach (ListInfo list in _collector.Lists.Items)
        {
            var items = new List<string>();
            var referenced = new List<string>();
            foreach (string item in list.Items)
            {
                // Only lists defined before this list's last definition are expanded, one level deep, with raw items.
                ListInfo? reference = _collector.Lists.Find(item);
                if (reference is not null && reference.Index < list.Visibility)
                {
                    usedNames.Add(reference.Name);
                    referenced.Add(reference.Name);
                    items.AddRange(reference.Items);
                }
                else
                {
                    items.Add(item);
                }
            }
            compiled.Add(new CompiledList(list, items, referenced));
        }
        foreach (string name in usedNames)
        {
            compiled.Find(l => l.Name == name)!.Used = true;
        }
        return compiled;
    }

    private List<CompiledMacro> CompileMacros(List<CompiledList> lists)
    {
        var compiled = new List<CompiledMacro>();
        foreach (MacroInfo macro in _collector.Macros.Items)
        {
            compiled.Add(new CompiledMacro(macro, Parse(macro.Condition, lists, macro.ConditionContext)));
        }
        var byName = compiled.ToDictionary(m => m.Name, StringComparer.Ordinal);
        foreach (CompiledMacro macro in compiled)
        {
            int visibility = macro.Info.Visibility;
            macro.Condition = ResolveMacros(macro.Condition, macro.Info.Condition, macro.Info.Context,
                name => byName.TryGetValue(name, out CompiledMacro? m) && m.Info.Index < visibility ? m : null);
        }
        return compiled;
    }

    private List<CompiledRule> CompileRules(List<CompiledList> lists, List<CompiledMacro> macros)
    {
        var byName = macros.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var compiled = new List<CompiledRule>();
        foreach (RuleInfo rule in _collector.Rules.Items)
        {
            if (rule.UnknownSource)
            {
                continue;
            }
            string condition = rule.Condition;
            var exceptionFields = new SortedSet<string>(StringComparer.Ordinal);
            if (rule.Exceptions.Count > 0)
            {
                condition = ExceptionRewriter.Rewrite(condition, rule.Exceptions, exceptionFields);
            }

            string output = rule.Output;
            if (output.Contains("%container.info", StringComparison.Ordinal))
            {
                _result.Add(LoadDiagnostic.Warning(LoadWarningCode.DeprecatedItem,
                    "%container.info is deprecated and no more useful, and will be dropped by Falco 1.0.0. The container plugin will automatically add required fields to the output message.",
                    rule.Context));
                output = output.Replace("%container.info", "", StringComparison.Ordinal);
            }
            // Falco always renders rule outputs with missing values as <NA>: the engine runs this "*" form.
            if (!OutputFormat.TryParse("*" + output, _fields, out OutputFormat? format, out OutputFormatException? outputError, _outputTransformers))
            {
                bool unknownField = outputError!.Kind == OutputFormatErrorKind.UnknownField;
                // libsinsp reports every bad token with the same (truncated) sentence; only a multi-value
                // transformer it does not know gets its own words.
                string message = outputError.Message.StartsWith("unknown multivalue", StringComparison.Ordinal)
                    ? outputError.Message
                    : OutputTransformerCompiler.FalcoTokenError;
                if (rule.SkipIfUnknownFilter && unknownField)
                {
                    _result.Add(LoadDiagnostic.Warning(LoadWarningCode.UnknownFilter, message, rule.OutputContext));
                    continue;
                }
                throw new RuleLoadException(LoadErrorCode.CompileOutput, message, rule.OutputContext);
            }
            foreach (string field in s_deprecatedFields)
            {
                if (output.Contains(field, StringComparison.Ordinal))
                {
                    _result.Add(LoadDiagnostic.Warning(LoadWarningCode.DeprecatedItem,
                        $"usage of deprecated field '{field}' has been detected in the rule output", rule.OutputContext, field));
                }
            }

            ConditionNode ast = Parse(condition, lists, rule.ConditionContext);
            ast = ResolveMacros(ast, condition, rule.Context, name => byName.GetValueOrDefault(name));
            WarnDeprecatedFields(ast, rule.ConditionContext);

            CompiledCondition compiledCondition;
            try
            {
                compiledCondition = _conditions.Compile(ast);
            }
            catch (ConditionCompileError error)
            {
                LoadContext errorContext = rule.ConditionContext.ForCondition(condition, error.Position.Offset, error.Position.Line, error.Position.Column);
                string message = error.Kind == ConditionCompileErrorKind.UnknownField
                    ? $"filter_check called with nonexistent field {error.Subject}"
                    : error.Message;
                if (rule.SkipIfUnknownFilter && error.Kind is ConditionCompileErrorKind.UnknownField or ConditionCompileErrorKind.UnknownEventType)
                {
                    _result.Add(LoadDiagnostic.Warning(LoadWarningCode.UnknownFilter, message, errorContext));
                    continue;
                }
                throw new RuleLoadException(LoadErrorCode.CompileCondition, message, errorContext);
            }
            foreach (ConditionWarning warning in compiledCondition.Warnings)
            {
                _result.Add(LoadDiagnostic.Warning(LoadWarningCode.CompileCondition, warning.Message,
                    rule.ConditionContext.ForCondition(condition, warning.Position.Offset, warning.Position.Line, warning.Position.Column)));
            }

            EventTypeSet eventTypes = EventTypeExtraction.Compute(ast, EventTypeExtractionOptions.Falco);
            if (rule.Source == RuleSources.Syscall && rule.WarnEventTypes && eventTypes.ToEventTypeIds().Length > MaxEventTypesWithoutWarning)
            {
                _result.Add(LoadDiagnostic.Warning(LoadWarningCode.NoEventType,
                    "Rule matches too many evt.type values. This has a significant performance penalty.", rule.Context));
            }
            compiled.Add(new CompiledRule(rule, ast, exceptionFields, eventTypes, output, compiledCondition, format!));
        }
        return compiled;
    }

    private void WarnDeprecatedFields(ConditionNode ast, LoadContext context)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        foreach (FieldRefNode field in AllFields(ast))
        {
            if (Array.IndexOf(s_deprecatedFields, field.Name) >= 0)
            {
                seen.Add(field.Name);
            }
        }
        // Falco reports each deprecated field once per condition, in its table order.
        foreach (string field in s_deprecatedFields.Where(seen.Contains))
        {
            _result.Add(LoadDiagnostic.Warning(LoadWarningCode.DeprecatedItem, field == "evt.dir" ? DirDeprecation : LatencyDeprecation, context, field));
        }
    }

    /// <summary>Every field referenced by a condition, left and right operands included.</summary>
    internal static IEnumerable<FieldRefNode> AllFields(ConditionNode ast) =>
        ConditionRewriter.CheckOperands(ast).SelectMany(check => ConditionRewriter.Fields(check.Operand));

    /// <summary>
    /// Parses a condition and expands list names on its AST (Falco 0.44.1 resolves lists on the
    /// parsed condition, so a list name only expands where a list is expected: <c>in (...)</c>, <c>intersects</c>,
    /// <c>pmatch</c>). Every list is visible, whatever the definition order.
    /// </summary>
    private static ConditionNode Parse(string condition, List<CompiledList> lists, LoadContext context)
    {
        if (!ConditionParser.TryParse(condition, out ConditionNode? node, out ConditionSyntaxError? error, ConditionParser.FalcoRulesMaxDepth))
        {
            throw new RuleLoadException(LoadErrorCode.CompileCondition, error!.Message,
                context.ForCondition(condition, error.Position.Offset, error.Position.Line, error.Position.Column));
        }
        return ConditionRewriter.ExpandLists(node!, name =>
        {
            CompiledList? list = lists.Find(l => l.Name == name);
            if (list is null)
            {
                return null;
            }
            list.Used = true;
            return list.ExpandedItems;
        });
    }

    /// <summary>
    /// Replaces macro references with the macros' ASTs, expanding inside them too; a macro met again while
    /// being expanded is a loop. Errors point at the reference inside <paramref name="conditionText"/>.
    /// </summary>
    private static ConditionNode ResolveMacros(ConditionNode ast, string conditionText, LoadContext parent, Func<string, CompiledMacro?> visible)
    {
        var expanding = new Stack<string>();
        ConditionNode Expand(ConditionNode node) => ConditionRewriter.SubstituteMacros(node, reference =>
        {
            CompiledMacro? macro = visible(reference.Name);
            if (macro is null)
            {
                throw new RuleLoadException(LoadErrorCode.Validate, $"Undefined macro '{reference.Name}' used in filter.",
                    parent.ForCondition(conditionText, reference.Position.Offset, reference.Position.Line, reference.Position.Column));
            }
            if (expanding.Contains(reference.Name))
            {
                throw new RuleLoadException(LoadErrorCode.Validate, $"reference loop in macro '{reference.Name}'",
                    parent.ForCondition(conditionText, reference.Position.Offset, reference.Position.Line, reference.Position.Column));
            }
            macro.Used = true;
            expanding.Push(reference.Name);
            ConditionNode expanded = Expand(macro.Condition);
            expanding.Pop();
            return expanded;
        });
        return Expand(ast);
    }
}
