namespace Falconet.Rules.Loading;

/// <summary>
/// The kind of item a location in a diagnostic's context chain points at. The strings Falco prints
/// (<see cref="LoadCodes.ItemTypeText"/>) appear in the JSON as <c>item_type</c>.
/// </summary>
public enum LoadItemType
{
    /// <summary>Printed as "value for" in a diagnostic's context.</summary>
    ValueFor,
    /// <summary>Printed as "exceptions" in a diagnostic's context.</summary>
    Exceptions,
    /// <summary>Printed as "exception" in a diagnostic's context.</summary>
    Exception,
    /// <summary>Printed as "exception values" in a diagnostic's context.</summary>
    ExceptionValues,
    /// <summary>Printed as "exception value" in a diagnostic's context.</summary>
    ExceptionValue,
    /// <summary>Printed as "rules content" in a diagnostic's context.</summary>
    RulesContent,
    /// <summary>Printed as "rules content item" in a diagnostic's context.</summary>
    RulesContentItem,
    /// <summary>Printed as "required_engine_version" in a diagnostic's context.</summary>
    RequiredEngineVersion,
    /// <summary>Printed as "required plugin versions" in a diagnostic's context.</summary>
    RequiredPluginVersions,
    /// <summary>Printed as "required plugin versions entry" in a diagnostic's context.</summary>
    RequiredPluginVersionsEntry,
    /// <summary>Printed as "required plugin versions alternative" in a diagnostic's context.</summary>
    RequiredPluginVersionsAlternative,
    /// <summary>Printed as "list" in a diagnostic's context.</summary>
    List,
    /// <summary>Printed as "list item" in a diagnostic's context.</summary>
    ListItem,
    /// <summary>Printed as "macro" in a diagnostic's context.</summary>
    Macro,
    /// <summary>Printed as "macro condition" in a diagnostic's context.</summary>
    MacroCondition,
    /// <summary>Printed as "rule" in a diagnostic's context.</summary>
    Rule,
    /// <summary>Printed as "rule condition" in a diagnostic's context.</summary>
    RuleCondition,
    /// <summary>Printed as "condition expression" in a diagnostic's context.</summary>
    ConditionExpression,
    /// <summary>Printed as "rule output" in a diagnostic's context.</summary>
    RuleOutput,
    /// <summary>Printed as "rule output expression" in a diagnostic's context.</summary>
    RuleOutputExpression,
    /// <summary>Printed as "rule priority" in a diagnostic's context.</summary>
    RulePriority,
    /// <summary>Printed as "overrides" in a diagnostic's context.</summary>
    Overrides,
    /// <summary>Printed as "extension item" in a diagnostic's context.</summary>
    ExtensionItem,
}
