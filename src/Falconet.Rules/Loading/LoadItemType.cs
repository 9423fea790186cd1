namespace Falconet.Rules.Loading;

/// <summary>
/// The kind of item a location in a diagnostic's context chain points at. The strings Falco prints
/// (<see cref="LoadCodes.ItemTypeText"/>) appear in the JSON as <c>item_type</c>.
/// </summary>
public enum LoadItemType
{
    ValueFor,
    Exceptions,
    Exception,
    ExceptionValues,
    ExceptionValue,
    RulesContent,
    RulesContentItem,
    RequiredEngineVersion,
    RequiredPluginVersions,
    RequiredPluginVersionsEntry,
    RequiredPluginVersionsAlternative,
    List,
    ListItem,
    Macro,
    MacroCondition,
    Rule,
    RuleCondition,
    ConditionExpression,
    RuleOutput,
    RuleOutputExpression,
    RulePriority,
    Overrides,
    ExtensionItem,
}
