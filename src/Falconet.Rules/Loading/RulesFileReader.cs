using System.Globalization;
using System.Text.RegularExpressions;
using Falconet.Core.Alerts;
using Falconet.Fields;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Falconet.Rules.Loading;

/// <summary>
/// Reads one rules file (YAML text) into a <see cref="RuleCollector"/>, as Falco does:
/// item kinds by first key present, per-kind keys, override matrix, exceptions. Stops at the first error.
/// Positions are kept from YamlDotNet marks and reported 0-based, as yaml-cpp does for Falco.
/// </summary>
internal sealed partial class RulesFileReader(
    RuleCollector collector, FileLoadResult result, FieldRegistry fields, ISet<string> knownSources, string fileName, string content)
{
    private const string ListNamePattern = "([^()\"'[:space:]=,]+)";
    private const string MacroNamePattern = "([a-zA-Z]+[a-zA-Z0-9_]*)";

    private const string AppendDeprecated =
        "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.";

    private const string EnabledDeprecated =
        "The standalone 'enabled' key usage is deprecated. The correct approach requires also a 'replace' entry under the 'override' key (i.e. 'enabled: replace').";

    private const string OverrideWithAppend =
        "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.";

    private static readonly string[] s_listKeys = ["list", "items", "append", "override"];
    private static readonly string[] s_macroKeys = ["macro", "condition", "append", "override"];

    private static readonly string[] s_ruleKeys =
    [
        "rule", "condition", "output", "desc", "priority", "source", "enabled", "tags", "exceptions", "warn_evttypes",
        "skip-if-unknown-filter", "capture", "capture_duration", "append", "override",
    ];

    private static readonly string[] s_exceptionKeys = ["name", "fields", "comps", "values"];
    private static readonly HashSet<string> s_ruleAppendable = new(StringComparer.Ordinal) { "condition", "output", "desc", "tags", "exceptions" };

    private static readonly HashSet<string> s_ruleReplaceable = new(StringComparer.Ordinal)
    {
        "condition", "output", "desc", "priority", "capture", "capture_duration", "tags", "exceptions", "enabled", "warn_evttypes",
        "skip-if-unknown-filter",
    };

    private static readonly HashSet<string> s_schemaPriorities = new(StringComparer.Ordinal)
    {
        "EMERGENCY", "ALERT", "CRITICAL", "ERROR", "WARNING", "NOTICE", "INFO", "INFORMATIONAL", "DEBUG",
    };

    /// <summary>Reads the file; false after the first error (already recorded in the result).</summary>
    public bool Read()
    {
        LoadContext fileContext = LoadContext.ForFile(fileName);
        if (YamlLimits.Check(content, out Mark limitAt) is { } tooLarge)
        {
            LoadPosition where = Position(limitAt);
            result.Add(LoadDiagnostic.Error(LoadErrorCode.YamlParse, $"yaml error at line {where.Line + 1}, column {where.Column + 1}: {tooLarge}",
                fileContext.Child(where, LoadItemType.ValueFor, "")));
            return false;
        }
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(content));
        }
        catch (YamlException e)
        {
            LoadContext at = fileContext.Child(Position(e.Start), LoadItemType.ValueFor, "");
            result.Add(LoadDiagnostic.Error(LoadErrorCode.YamlParse, YamlMessage(e), at));
            return false;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this instead of a YamlException when the input ends inside an open
            // construct (e.g. "[a, b" at the end of the file): report it where the input ends.
            LoadPosition end = EndOfContent();
            LoadContext at = fileContext.Child(end, LoadItemType.ValueFor, "");
            result.Add(LoadDiagnostic.Error(LoadErrorCode.YamlParse,
                $"yaml error at line {end.Line + 1}, column {end.Column + 1}: unexpected end of input (an unclosed flow collection or quoted scalar?)", at));
            return false;
        }
        catch (ArgumentException e)
        {
            // YamlDotNet's node loader throws this for event sequences it cannot build a node from (e.g. "- : a: "),
            // found by fuzzing: a YAML error where the parser last stood.
            LoadPosition where = LastParsedPosition();
            LoadContext at = fileContext.Child(where, LoadItemType.ValueFor, "");
            result.Add(LoadDiagnostic.Error(LoadErrorCode.YamlParse,
                $"yaml error at line {where.Line + 1}, column {where.Column + 1}: {e.Message}", at));
            return false;
        }

        result.SchemaChecked = true;
        int documentIndex = 0;
        foreach (YamlDocument document in stream.Documents)
        {
            YamlNode root = document.RootNode;
            try
            {
                if (IsNull(root))
                {
                    continue;
                }
                if (root is YamlScalarNode)
                {
                    throw Validate("Rules content is not yaml", fileContext);
                }
                if (root is not YamlSequenceNode sequence)
                {
                    throw Validate("Rules content is not yaml array of objects", fileContext);
                }
                int itemIndex = 0;
                foreach (YamlNode item in sequence.Children)
                {
                    if (!IsNull(item))
                    {
                        ReadItem(item, fileContext, $"/{documentIndex}/{itemIndex}");
                    }
                    itemIndex++;
                }
            }
            catch (RuleLoadException e)
            {
                result.Add(e.ToDiagnostic());
                return false;
            }
            documentIndex++;
        }
        return true;
    }

    private void ReadItem(YamlNode node, LoadContext parent, string schemaPath)
    {
        if (node is not YamlMappingNode item)
        {
            throw Validate("Unexpected element type. Each element should be a yaml associative array.",
                parent.Child(Position(node), LoadItemType.RulesContentItem, ""));
        }

        if (Has(item, "required_engine_version"))
        {
            ReadEngineVersion(item, parent, schemaPath);
        }
        else if (Has(item, "required_plugin_versions"))
        {
            ReadPluginVersions(item, parent, schemaPath);
        }
        else if (Has(item, "list"))
        {
            ReadList(item, parent, schemaPath);
        }
        else if (Has(item, "macro"))
        {
            ReadMacro(item, parent, schemaPath);
        }
        else if (Has(item, "rule"))
        {
            ReadRule(item, parent, schemaPath);
        }
        else
        {
            LoadContext context = parent.Child(Position(item), LoadItemType.RulesContentItem, "");
            result.Add(LoadDiagnostic.Warning(LoadWarningCode.UnknownItem, "Unknown top level item", context));
            result.AddSchemaWarning($"{schemaPath}: item has none of the keys rule, macro, list, required_engine_version, required_plugin_versions");
        }
    }

    private void ReadEngineVersion(YamlMappingNode item, LoadContext parent, string schemaPath)
    {
        LoadContext context = parent.Child(Position(item), LoadItemType.RequiredEngineVersion, "");
        WarnUnknownKeys(item, ["required_engine_version"], context, schemaPath);
        string text = DecodeString(item, "required_engine_version", context)!;
        EngineVersion version;
        if (uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint legacy))
        {
            // A bare integer N is the legacy form of 0.N.0 (patch taken from the engine).
            version = new EngineVersion(0, legacy, EngineVersion.Current.Patch);
        }
        else if (!EngineVersion.TryParse(text, out version))
        {
            throw Validate($"Unable to parse engine version '{text}' as a semver string. Expected \"x.y.z\" semver format.", context);
        }
        collector.RequireEngineVersion(version, context);
    }

    private void ReadPluginVersions(YamlMappingNode item, LoadContext parent, string schemaPath)
    {
        WarnUnknownKeys(item, ["required_plugin_versions"], parent.Child(Position(item), LoadItemType.RequiredPluginVersions, ""), schemaPath);
        YamlNode value = Get(item, "required_plugin_versions")!;
        LoadContext context = parent.Child(Position(value), LoadItemType.RequiredPluginVersions, "");
        if (value is not YamlSequenceNode plugins)
        {
            throw Validate("Value of required_plugin_versions must be a sequence", context);
        }
        foreach (YamlNode plugin in plugins.Children)
        {
            (PluginVersionRequirement required, YamlMappingNode pluginMap, LoadContext pluginContext) =
                ReadPluginVersion(plugin, context, LoadItemType.RequiredPluginVersionsEntry, "Plugin version must be a mapping");
            var alternatives = new List<PluginVersionRequirement> { required };
            YamlNode? alternativesNode = Get(pluginMap, "alternatives");
            if (alternativesNode is not null)
            {
                if (alternativesNode is not YamlSequenceNode alternativeSequence)
                {
                    throw Validate("Value of plugin version alternatives must be a sequence", pluginContext);
                }
                foreach (YamlNode alternative in alternativeSequence.Children)
                {
                    alternatives.Add(ReadPluginVersion(alternative, pluginContext, LoadItemType.RequiredPluginVersionsAlternative,
                        "Plugin version alternative must be a mapping").Requirement);
                }
            }
            collector.RequirePlugins(new PluginRequirement(alternatives, pluginContext));
        }
    }

    /// <summary>
    /// One <c>{name, version}</c> mapping of <c>required_plugin_versions</c> (an entry or one of its alternatives); errors
    /// name the item as Falco does: unnamed until the name is read, then by name.
    /// </summary>
    private (PluginVersionRequirement Requirement, YamlMappingNode Map, LoadContext Context) ReadPluginVersion(
        YamlNode node, LoadContext parent, LoadItemType type, string notMappingMessage)
    {
        LoadContext unnamed = parent.Child(Position(node), type, "");
        if (node is not YamlMappingNode map)
        {
            throw Validate(notMappingMessage, unnamed);
        }
        string name = DecodeString(map, "name", unnamed)!;
        LoadContext named = parent.Child(Position(node), type, name);
        return (new PluginVersionRequirement(name, DecodeString(map, "version", named)!), map, named);
    }

    private void ReadList(YamlMappingNode item, LoadContext parent, string schemaPath)
    {
        (string name, LoadContext context) = ReadNamedItem(item, parent, schemaPath, LoadItemType.List, s_listKeys,
            ListNameRegex(), LoadWarningCode.InvalidListName, "List", ListNamePattern);
        var list = new ListInfo(name, context);
        list.Items.AddRange(DecodeSequence(item, "items", context, optional: false)!);
        if (AppendsToExisting(item, "items", context))
        {
            collector.AppendList(list);
        }
        else
        {
            collector.DefineList(list);
        }
    }

    private void ReadMacro(YamlMappingNode item, LoadContext parent, string schemaPath)
    {
        (string name, LoadContext context) = ReadNamedItem(item, parent, schemaPath, LoadItemType.Macro, s_macroKeys,
            MacroNameRegex(), LoadWarningCode.InvalidMacroName, "Macro", MacroNamePattern);
        var macro = new MacroInfo(name, context)
        {
            Condition = DecodeString(item, "condition", context)!,
            ConditionContext = context.Child(Position(Get(item, "condition")!), LoadItemType.MacroCondition, ""),
        };
        if (AppendsToExisting(item, "condition", context))
        {
            collector.AppendMacro(macro);
        }
        else
        {
            collector.DefineMacro(macro);
        }
    }

    /// <summary>
    /// Lists and macros open alike: the name (under the item's first key, <paramref name="keys"/>[0]), the named
    /// context, unknown keys, and a warning when the name does not match the kind's pattern.
    /// </summary>
    private (string Name, LoadContext Context) ReadNamedItem(YamlMappingNode item, LoadContext parent, string schemaPath,
        LoadItemType type, string[] keys, Regex nameRegex, LoadWarningCode invalidName, string kind, string namePattern)
    {
        string name = DecodeString(item, keys[0], parent.Child(Position(item), type, ""))!;
        LoadContext context = parent.Child(Position(item), type, name);
        WarnUnknownKeys(item, keys, context, schemaPath);
        if (!nameRegex.IsMatch(name))
        {
            result.Add(LoadDiagnostic.Warning(invalidName,
                kind + " has an invalid name. " + kind + " names must match a regular expression: " + namePattern, context));
        }
        return (name, context);
    }

    /// <summary>
    /// Lists and macros have one overridable key: true when the item appends to an earlier definition
    /// (deprecated <c>append: true</c>, or <c>override: {KEY: append}</c>), false when it defines or replaces it.
    /// </summary>
    private bool AppendsToExisting(YamlMappingNode item, string key, LoadContext context)
    {
        bool append = DecodeBool(item, "append", context) ?? false;
        if (append)
        {
            result.Add(LoadDiagnostic.Warning(LoadWarningCode.DeprecatedItem, AppendDeprecated, context));
        }
        HashSet<string> overridable = new(StringComparer.Ordinal) { key };
        (HashSet<string> overrideAppend, HashSet<string> overrideReplace) = DecodeOverrides(item, overridable, overridable, context);
        if (append && (overrideAppend.Count > 0 || overrideReplace.Count > 0))
        {
            throw Validate(OverrideWithAppend, context);
        }
        return append || overrideAppend.Contains(key);
    }

    private void ReadRule(YamlMappingNode item, LoadContext parent, string schemaPath)
    {
        string name = DecodeString(item, "rule", parent.Child(Position(item), LoadItemType.Rule, ""))!;
        LoadContext context = parent.Child(Position(item), LoadItemType.Rule, name);
        WarnUnknownKeys(item, s_ruleKeys, context, schemaPath);

        bool appendFlag = DecodeBool(item, "append", context) ?? false;
        if (appendFlag)
        {
            result.Add(LoadDiagnostic.Warning(LoadWarningCode.DeprecatedItem, AppendDeprecated, context));
        }
        (HashSet<string> overrideAppend, HashSet<string> overrideReplace) = DecodeOverrides(item, s_ruleAppendable, s_ruleReplaceable, context);
        bool hasOverrides = overrideAppend.Count > 0 || overrideReplace.Count > 0;
        if (appendFlag && hasOverrides)
        {
            throw Validate(OverrideWithAppend, context);
        }

        if (hasOverrides)
        {
            ReadRuleOverrides(item, name, context, overrideAppend, overrideReplace);
        }
        else if (appendFlag)
        {
            // Legacy append honours only condition and exceptions.
            var update = new RuleUpdate(name, context);
            if (Has(item, "condition"))
            {
                update.ConditionContext = context.Child(Position(Get(item, "condition")!), LoadItemType.RuleCondition, "");
                update.Condition = DecodeString(item, "condition", context);
            }
            if (Has(item, "exceptions"))
            {
                update.Exceptions = ReadExceptions(item, context, append: true);
            }
            collector.AppendRule(update, fields);
        }
        else if (!Has(item, "condition") && !Has(item, "output") && !Has(item, "desc") && !Has(item, "priority"))
        {
            bool enabled = DecodeBool(item, "enabled", context, optional: false)!.Value;
            result.Add(LoadDiagnostic.Warning(LoadWarningCode.DeprecatedItem, EnabledDeprecated, context));
            collector.EnableRule(name, enabled, context);
        }
        else
        {
            var rule = new RuleInfo(name, context)
            {
                Condition = DecodeString(item, "condition", context)!,
            };
            rule.ConditionContext = context.Child(Position(Get(item, "condition")!), LoadItemType.RuleCondition, "");
            rule.Output = DecodeString(item, "output", context)!.Trim(' ', '\t', '\n', '\r', '\f', '\v');
            rule.OutputContext = context.Child(Position(Get(item, "output")!), LoadItemType.RuleOutput, "");
            rule.Description = DecodeString(item, "desc", context)!;
            rule.Priority = DecodePriority(item, context, schemaPath);
            rule.Source = DecodeString(item, "source", context, optional: true) ?? RuleSources.Syscall;
            rule.Enabled = DecodeBool(item, "enabled", context) ?? true;
            rule.WarnEventTypes = DecodeBool(item, "warn_evttypes", context) ?? true;
            rule.SkipIfUnknownFilter = DecodeBool(item, "skip-if-unknown-filter", context) ?? false;
            rule.Capture = DecodeBool(item, "capture", context) ?? false;
            rule.CaptureDuration = DecodeUInt64(item, "capture_duration", context) ?? 0;
            rule.Tags = DecodeTags(item, context) ?? new SortedSet<string>(StringComparer.Ordinal);
            rule.Exceptions = ReadExceptions(item, context, append: false) ?? [];
            collector.DefineRule(rule, knownSources, fields, result);
        }
    }

    private void ReadRuleOverrides(YamlMappingNode item, string name, LoadContext context, HashSet<string> overrideAppend, HashSet<string> overrideReplace)
    {
        // Every overridable key present must be listed under override, and every listed key must be present.
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (string key in s_ruleAppendable.Concat(s_ruleReplaceable))
        {
            if (Has(item, key))
            {
                expected.Add(key);
            }
        }
        if (overrideAppend.Count > 0)
        {
            RuleUpdate update = ReadTextualUpdate(item, name, expected, overrideAppend, "append", context);
            collector.AppendRule(update, fields);
        }
        if (overrideReplace.Count > 0)
        {
            RuleUpdate update = ReadTextualUpdate(item, name, expected, overrideReplace, "replace", context);
            if (Take(expected, overrideReplace, "replace", "priority", context))
            {
                update.Priority = DecodePriority(item, context, null);
            }
            if (Take(expected, overrideReplace, "replace", "capture", context))
            {
                update.Capture = DecodeBool(item, "capture", context, optional: false);
            }
            if (Take(expected, overrideReplace, "replace", "capture_duration", context))
            {
                update.CaptureDuration = DecodeUInt64(item, "capture_duration", context, optional: false);
            }
            if (Take(expected, overrideReplace, "replace", "enabled", context))
            {
                update.Enabled = DecodeBool(item, "enabled", context, optional: false);
            }
            if (Take(expected, overrideReplace, "replace", "warn_evttypes", context))
            {
                update.WarnEventTypes = DecodeBool(item, "warn_evttypes", context, optional: false);
            }
            if (Take(expected, overrideReplace, "replace", "skip-if-unknown-filter", context))
            {
                update.SkipIfUnknownFilter = DecodeBool(item, "skip-if-unknown-filter", context, optional: false);
            }
            collector.ReplaceInRule(update);
        }
        foreach (string key in expected.Order(StringComparer.Ordinal))
        {
            LoadContext keyContext = context.Child(Position(Get(item, key)!), LoadItemType.Overrides, key);
            throw Validate($"Unexpected key '{key}': no corresponding entry under 'override' is defined.", keyContext);
        }
    }

    /// <summary>The keys both append and replace overrides can carry (condition, exceptions, output, desc, tags).</summary>
    private RuleUpdate ReadTextualUpdate(YamlMappingNode item, string name, HashSet<string> expected, HashSet<string> overrides,
        string operation, LoadContext context)
    {
        var update = new RuleUpdate(name, context);
        if (Take(expected, overrides, operation, "condition", context))
        {
            update.Condition = DecodeString(item, "condition", context);
            update.ConditionContext = context.Child(Position(Get(item, "condition")!), LoadItemType.RuleCondition, "");
        }
        if (Take(expected, overrides, operation, "exceptions", context))
        {
            update.Exceptions = ReadExceptions(item, context, append: true);
        }
        if (Take(expected, overrides, operation, "output", context))
        {
            update.Output = DecodeString(item, "output", context);
        }
        if (Take(expected, overrides, operation, "desc", context))
        {
            update.Description = DecodeString(item, "desc", context);
        }
        if (Take(expected, overrides, operation, "tags", context))
        {
            update.Tags = DecodeTags(item, context);
        }
        return update;
    }

    private static bool Take(HashSet<string> expected, HashSet<string> overrides, string operation, string key, LoadContext context)
    {
        if (!overrides.Contains(key))
        {
            return false;
        }
        if (!expected.Remove(key))
        {
            throw Validate($"An {operation} override for '{key}' was specified but '{key}' is not defined", context);
        }
        return true;
    }

    private (HashSet<string> Append, HashSet<string> Replace) DecodeOverrides(YamlMappingNode item, HashSet<string> appendable,
        HashSet<string> replaceable, LoadContext context)
    {
        var append = new HashSet<string>(StringComparer.Ordinal);
        var replace = new HashSet<string>(StringComparer.Ordinal);
        YamlNode? value = Get(item, "override");
        if (value is null)
        {
            return (append, replace);
        }
        LoadContext overrideContext = context.Child(Position(item), LoadItemType.Overrides, "");
        if (value is not YamlMappingNode map)
        {
            throw Validate("Value is not a map", context.Child(Position(value), LoadItemType.ValueFor, "override"));
        }
        foreach ((YamlNode keyNode, YamlNode operationNode) in map.Children)
        {
            string key = ScalarText(keyNode) ?? "";
            string operation = ScalarText(operationNode) ?? "";
            bool canAppend = appendable.Contains(key);
            bool canReplace = replaceable.Contains(key);
            if (operation == "append")
            {
                if (!canAppend)
                {
                    throw Validate($"Key '{key}' cannot be appended to, use 'replace' instead",
                        overrideContext.Child(Position(keyNode), LoadItemType.Overrides, key));
                }
                append.Add(key);
            }
            else if (operation == "replace")
            {
                if (!canReplace)
                {
                    throw Validate($"Key '{key}' cannot be replaced", overrideContext.Child(Position(keyNode), LoadItemType.Overrides, key));
                }
                replace.Add(key);
            }
            else
            {
                string allowed = (canAppend ? "append " : "") + (canReplace ? "replace " : "");
                throw Validate($"Invalid override operation for key '{key}': '{operation}'. Allowed values are: {allowed}",
                    overrideContext.Child(Position(operationNode), LoadItemType.ValueFor, key));
            }
        }
        return (append, replace);
    }

    private List<ExceptionInfo>? ReadExceptions(YamlMappingNode item, LoadContext parent, bool append)
    {
        YamlNode? node = Get(item, "exceptions");
        if (node is null || IsNull(node))
        {
            return null;
        }
        LoadContext exceptionsContext = parent.Child(Position(node), LoadItemType.Exceptions, "");
        if (node is not YamlSequenceNode sequence)
        {
            throw Validate("Rule exceptions must be a sequence", exceptionsContext);
        }
        var exceptions = new List<ExceptionInfo>();
        foreach (YamlNode exceptionNode in sequence.Children)
        {
            LoadContext temporary = exceptionsContext.Child(Position(exceptionNode), LoadItemType.Exception, "");
            if (exceptionNode is not YamlMappingNode map)
            {
                throw Validate("Rule exception must be a mapping", temporary);
            }
            string name = DecodeString(map, "name", temporary)!;
            LoadContext context = parent.Child(Position(exceptionNode), LoadItemType.Exception, name);
            foreach ((YamlNode key, _) in map.Children)
            {
                string keyText = ScalarText(key) ?? "";
                if (!s_exceptionKeys.Contains(keyText))
                {
                    result.Add(LoadDiagnostic.Warning(LoadWarningCode.UnknownKey, $"Unknown key '{keyText}'. The key will be ignored.",
                        context.Child(Position(key), LoadItemType.ValueFor, keyText)));
                }
            }
            var exception = new ExceptionInfo(name, context);
            if (exceptions.Exists(e => e.Name == name))
            {
                result.Add(LoadDiagnostic.Warning(LoadWarningCode.ExceptionNameNotUnique,
                    $"Multiple definitions of exception '{name}' in the same rule", context));
            }
            exception.Fields = DecodeExceptionEntry(Get(map, "fields"), "fields", context, optional: append);
            exception.Comps = DecodeExceptionEntry(Get(map, "comps"), "comps", context, optional: true);
            YamlNode? values = Get(map, "values");
            if (values is not null)
            {
                LoadContext valuesContext = context.Child(Position(values), LoadItemType.ExceptionValues, "");
                if (values is not YamlSequenceNode valueSequence)
                {
                    throw Validate("Rule exception values must be a sequence", valuesContext);
                }
                foreach (YamlNode value in valueSequence.Children)
                {
                    LoadContext valueContext = valuesContext.Child(Position(value), LoadItemType.ExceptionValue, "");
                    exception.Values.Add(DecodeExceptionEntry(value, null, valueContext, optional: false));
                }
            }
            else if (append)
            {
                result.Add(LoadDiagnostic.Warning(LoadWarningCode.AppendNoValues, "Overriding/appending exception with no values", context));
            }
            exceptions.Add(exception);
        }
        return exceptions;
    }

    private static ExceptionEntry DecodeExceptionEntry(YamlNode? node, string? key, LoadContext context, bool optional)
    {
        if (node is null)
        {
            if (optional)
            {
                return new ExceptionEntry();
            }
            throw Validate($"Item has no mapping for key '{key}'", context);
        }
        LoadContext valueContext = context.Child(Position(node), LoadItemType.ValueFor, key ?? "");
        switch (node)
        {
            case YamlScalarNode scalar:
                if (string.IsNullOrEmpty(scalar.Value))
                {
                    throw Validate("Value must be non-empty", valueContext);
                }
                return ExceptionEntry.Scalar(scalar.Value);
            case YamlSequenceNode sequence:
                var items = new List<ExceptionEntry>();
                foreach (YamlNode child in sequence.Children)
                {
                    items.Add(DecodeExceptionEntry(child, null, valueContext.Child(Position(child), LoadItemType.Exception, ""), optional: false));
                }
                return new ExceptionEntry { IsValid = true, IsList = true, Items = items };
            default:
                throw Validate("Value is not a scalar or a sequence", valueContext);
        }
    }

    private Priority DecodePriority(YamlMappingNode item, LoadContext context, string? schemaPath)
    {
        string text = DecodeString(item, "priority", context)!;
        LoadContext priorityContext = context.Child(Position(Get(item, "priority")!), LoadItemType.RulePriority, "");
        if (!PriorityNames.TryParse(text, out Priority priority))
        {
            throw Validate("Invalid priority", priorityContext);
        }
        if (schemaPath is not null && !s_schemaPriorities.Contains(text.Trim()))
        {
            result.AddSchemaWarning($"{schemaPath}/priority: '{text}' is not one of the schema's priority names");
        }
        return priority;
    }

    private void WarnUnknownKeys(YamlMappingNode item, string[] keys, LoadContext context, string schemaPath)
    {
        foreach ((YamlNode key, _) in item.Children)
        {
            string keyText = ScalarText(key) ?? "";
            if (!keys.Contains(keyText))
            {
                result.Add(LoadDiagnostic.Warning(LoadWarningCode.UnknownKey, $"Unknown key '{keyText}'. The key will be ignored.",
                    context.Child(Position(key), LoadItemType.ValueFor, keyText)));
                result.AddSchemaWarning($"{schemaPath}: additional property '{keyText}' is not allowed");
            }
        }
    }

    private static string? DecodeString(YamlMappingNode item, string key, LoadContext context, bool optional = false)
    {
        YamlNode? value = Get(item, key);
        if (value is null)
        {
            if (optional)
            {
                return null;
            }
            throw Validate($"Item has no mapping for key '{key}'", context);
        }
        if (IsNull(value))
        {
            throw Validate($"Mapping for key '{key}' is empty", context);
        }
        LoadContext valueContext = context.Child(Position(value), LoadItemType.ValueFor, key);
        if (value is not YamlScalarNode scalar)
        {
            throw Validate("Value is not a scalar value", valueContext);
        }
        if (string.IsNullOrEmpty(scalar.Value))
        {
            throw Validate("Value must be non-empty", valueContext);
        }
        return scalar.Value;
    }

    private static bool? DecodeBool(YamlMappingNode item, string key, LoadContext context, bool optional = true)
    {
        string? text = DecodeString(item, key, context, optional);
        if (text is null)
        {
            return null;
        }
        // yaml-cpp's boolean spellings.
        switch (text)
        {
            case "true" or "True" or "TRUE" or "y" or "Y" or "yes" or "Yes" or "YES" or "on" or "On" or "ON":
                return true;
            case "false" or "False" or "FALSE" or "n" or "N" or "no" or "No" or "NO" or "off" or "Off" or "OFF":
                return false;
            default:
                throw Validate("Can't decode YAML scalar value", context.Child(Position(Get(item, key)!), LoadItemType.ValueFor, key));
        }
    }

    private static ulong? DecodeUInt64(YamlMappingNode item, string key, LoadContext context, bool optional = true)
    {
        string? text = DecodeString(item, key, context, optional);
        if (text is null)
        {
            return null;
        }
        if (!ulong.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out ulong value))
        {
            throw Validate("Can't decode YAML scalar value", context.Child(Position(Get(item, key)!), LoadItemType.ValueFor, key));
        }
        return value;
    }

    private static List<string>? DecodeSequence(YamlMappingNode item, string key, LoadContext context, bool optional)
    {
        YamlNode? value = Get(item, key);
        if (value is null)
        {
            if (optional)
            {
                return null;
            }
            throw Validate($"Item has no mapping for key '{key}'", context);
        }
        LoadContext valueContext = context.Child(Position(value), LoadItemType.ValueFor, key);
        if (value is not YamlSequenceNode sequence)
        {
            throw Validate("Value is not a sequence", valueContext);
        }
        var items = new List<string>(sequence.Children.Count);
        foreach (YamlNode child in sequence.Children)
        {
            if (child is not YamlScalarNode scalar)
            {
                throw Validate("sequence value is not scalar", valueContext.Child(Position(child), LoadItemType.ListItem, ""));
            }
            items.Add(scalar.Value ?? "");
        }
        return items;
    }

    private static SortedSet<string>? DecodeTags(YamlMappingNode item, LoadContext context)
    {
        List<string>? tags = DecodeSequence(item, "tags", context, optional: true);
        return tags is null ? null : new SortedSet<string>(tags, StringComparer.Ordinal);
    }

    private static RuleLoadException Validate(string message, LoadContext context) =>
        new(LoadErrorCode.YamlValidate, message, context);

    private static bool Has(YamlMappingNode item, string key) => Get(item, key) is not null;

    private static YamlNode? Get(YamlMappingNode item, string key) =>
        item.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? value) ? value : null;

    private static string? ScalarText(YamlNode node) => (node as YamlScalarNode)?.Value;

    /// <summary>yaml-cpp's notion of null: an empty plain scalar, <c>~</c> or <c>null</c>.</summary>
    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } scalar
        && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private static LoadPosition Position(YamlNode node) => Position(node.Start);

    /// <summary>The start of the last YAML event the parser produced before it stopped (or the end).</summary>
    private LoadPosition LastParsedPosition()
    {
        var parser = new Parser(new StringReader(content));
        Mark last = Mark.Empty;
        try
        {
            while (parser.MoveNext())
            {
                last = parser.Current!.Start;
            }
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException or ArgumentException)
        {
            // Stopped: the last good event is the position.
        }
        return Position(last);
    }

    private LoadPosition EndOfContent()
    {
        int lastNewline = content.LastIndexOf('\n');
        return new LoadPosition(content.Length, content.Count(c => c == '\n'), content.Length - lastNewline - 1);
    }

    private static LoadPosition Position(Mark mark) =>
        new((int)mark.Index, (int)Math.Max(0, mark.Line - 1), (int)Math.Max(0, mark.Column - 1));

    private static string YamlMessage(YamlException e)
    {
        // YamlDotNet prefixes "(Lin: x, Col: y, Chr: z) - (…): "; the position is reported separately.
        string message = e.Message;
        int marker = message.IndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith('(') && marker > 0)
        {
            message = message[(marker + 3)..];
        }
        string inner = e.InnerException?.Message is { Length: > 0 } i ? " (" + i + ")" : "";
        return $"yaml error at line {e.Start.Line}, column {e.Start.Column}: {message}{inner}";
    }

    [GeneratedRegex("^[^()\"'\\s=,]+$")]
    private static partial Regex ListNameRegex();

    [GeneratedRegex("^[a-zA-Z]+[a-zA-Z0-9_]*$")]
    private static partial Regex MacroNameRegex();
}
