namespace Falconet.Rules.Loading;

/// <summary>Falco's load warning codes, in Falco's order.</summary>
public enum LoadWarningCode
{
    /// <summary><c>LOAD_UNKNOWN_SOURCE</c>: Unknown event source.</summary>
    UnknownSource,
    /// <summary><c>LOAD_UNSAFE_NA_CHECK</c>: Unsafe &lt;NA&gt; comparison in condition.</summary>
    UnsafeNaCheck,
    /// <summary><c>LOAD_NO_EVTTYPE</c>: Condition has no event-type restriction.</summary>
    NoEventType,
    /// <summary><c>LOAD_UNKNOWN_FILTER</c>: Unknown field or event-type in condition or output.</summary>
    UnknownFilter,
    /// <summary><c>LOAD_UNUSED_MACRO</c>: Unused macro.</summary>
    UnusedMacro,
    /// <summary><c>LOAD_UNUSED_LIST</c>: Unused list.</summary>
    UnusedList,
    /// <summary><c>LOAD_UNKNOWN_ITEM</c>: Unknown rules file item.</summary>
    UnknownItem,
    /// <summary><c>LOAD_DEPRECATED_ITEM</c>: Used deprecated item.</summary>
    DeprecatedItem,
    /// <summary><c>LOAD_WARNING_EXTENSION</c>: Warning in extension item.</summary>
    WarningExtension,
    /// <summary><c>LOAD_APPEND_NO_VALUES</c>: Overriding/appending with no values.</summary>
    AppendNoValues,
    /// <summary><c>LOAD_EXCEPTION_NAME_NOT_UNIQUE</c>: Multiple exceptions defined with the same name.</summary>
    ExceptionNameNotUnique,
    /// <summary><c>LOAD_INVALID_MACRO_NAME</c>: Invalid macro name.</summary>
    InvalidMacroName,
    /// <summary><c>LOAD_INVALID_LIST_NAME</c>: Invalid list name.</summary>
    InvalidListName,
    /// <summary><c>LOAD_COMPILE_CONDITION</c>: Warning in rule condition.</summary>
    CompileCondition,
    /// <summary><c>LOAD_UNKNOWN_KEY</c>: Unknown key in item definition.</summary>
    UnknownKey,
}
