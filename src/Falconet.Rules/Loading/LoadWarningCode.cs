namespace Falconet.Rules.Loading;

/// <summary>Falco's load warning codes, in Falco's order.</summary>
public enum LoadWarningCode
{
    UnknownSource,
    UnsafeNaCheck,
    NoEventType,
    UnknownFilter,
    UnusedMacro,
    UnusedList,
    UnknownItem,
    DeprecatedItem,
    WarningExtension,
    AppendNoValues,
    ExceptionNameNotUnique,
    InvalidMacroName,
    InvalidListName,
    CompileCondition,
    UnknownKey,
}
