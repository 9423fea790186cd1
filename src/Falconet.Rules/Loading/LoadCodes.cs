namespace Falconet.Rules.Loading;

/// <summary>The code names and descriptions Falco prints for load errors and warnings.</summary>
internal static class LoadCodes
{
    private static readonly string[] s_errorCodes =
    [
        "LOAD_ERR_FILE_READ", "LOAD_ERR_YAML_PARSE", "LOAD_ERR_YAML_VALIDATE", "LOAD_ERR_COMPILE_CONDITION",
        "LOAD_ERR_COMPILE_OUTPUT", "LOAD_ERR_VALIDATE", "LOAD_ERR_EXTENSION",
    ];

    private static readonly string[] s_errorTexts =
    [
        "File read error", "YAML parse error", "Error validating internal structure of YAML file", "Error compiling condition",
        "Error compiling output", "Error validating rule/macro/list/exception objects", "Error in extension item",
    ];

    private static readonly string[] s_warningCodes =
    [
        "LOAD_UNKNOWN_SOURCE", "LOAD_UNSAFE_NA_CHECK", "LOAD_NO_EVTTYPE", "LOAD_UNKNOWN_FILTER", "LOAD_UNUSED_MACRO",
        "LOAD_UNUSED_LIST", "LOAD_UNKNOWN_ITEM", "LOAD_DEPRECATED_ITEM", "LOAD_WARNING_EXTENSION", "LOAD_APPEND_NO_VALUES",
        "LOAD_EXCEPTION_NAME_NOT_UNIQUE", "LOAD_INVALID_MACRO_NAME", "LOAD_INVALID_LIST_NAME", "LOAD_COMPILE_CONDITION",
        "LOAD_UNKNOWN_KEY",
    ];

    private static readonly string[] s_warningTexts =
    [
        "Unknown event source", "Unsafe <NA> comparison in condition", "Condition has no event-type restriction",
        "Unknown field or event-type in condition or output", "Unused macro", "Unused list", "Unknown rules file item",
        "Used deprecated item", "Warning in extension item", "Overriding/appending with no values",
        "Multiple exceptions defined with the same name", "Invalid macro name", "Invalid list name",
        "Warning in rule condition", "Unknown key in item definition",
    ];

    private static readonly string[] s_warningDescriptions =
    [
        "A rule has a unknown event source. This can occur when reading rules content without having a corresponding plugin loaded, etc. The rule will be silently ignored.",
        "Comparing a field value with <NA> is unsafe and can lead to unpredictable behavior of the rule condition. If you need to check for the existence of a field, consider using the 'exists' operator instead.",
        "A rule condition matches too many evt.type values. This has a significant performance penalty. Make the condition more specific by adding an evt.type field or further restricting the number of evt.type values in the condition.",
        "A rule condition or output refers to a field or evt.type that does not exist. This is normally an error, but if a rule has a skip-if-unknown-filter property, the error is downgraded to a warning.",
        "A macro is defined in the rules content but is not used by any other macro or rule.",
        "A list is defined in the rules content but is not used by any other list, macro, or rule.",
        "An unknown top-level object is in the rules content. It will be ignored.",
        "A deprecated item is employed by lists, macros, or rules.",
        "An extension item has a warning",
        "A rule exception is overriding/appending with no values",
        "A rule is defining multiple exceptions with the same name",
        "A macro is defined with an invalid name",
        "A list is defined with an invalid name",
        "A rule condition or output have been parsed with a warning",
        "An item in the rules content contains an unrecognized key. The key will be ignored. This may indicate a typo or a property placed on the wrong item type.",
    ];

    private static readonly string[] s_itemTypes =
    [
        "value for", "exceptions", "exception", "exception values", "exception value", "rules content", "rules content item",
        "required_engine_version", "required plugin versions", "required plugin versions entry",
        "required plugin versions alternative", "list", "list item", "macro", "macro condition", "rule", "rule condition",
        "condition expression", "rule output", "rule output expression", "rule priority", "overrides", "extension item",
    ];

    public static string Code(LoadErrorCode code) => s_errorCodes[(int)code];

    /// <summary>The short text, e.g. "Error compiling condition".</summary>
    public static string Text(LoadErrorCode code) => s_errorTexts[(int)code];

    public static string Code(LoadWarningCode code) => s_warningCodes[(int)code];

    /// <summary>The short text, e.g. "Unused macro".</summary>
    public static string Text(LoadWarningCode code) => s_warningTexts[(int)code];

    /// <summary>The long description Falco puts in a warning's <c>codedesc</c>.</summary>
    public static string Description(LoadWarningCode code) => s_warningDescriptions[(int)code];

    public static string ItemTypeText(LoadItemType type) => s_itemTypes[(int)type];
}
