namespace Falconet.Rules.Conditions;

/// <summary>What kind of problem a <see cref="ConditionCompileError"/> is; callers such as the rules loader treat some specially.</summary>
public enum ConditionCompileErrorKind
{
    /// <summary>A bad operator, value, argument or type combination.</summary>
    Invalid,

    /// <summary>A field name no registered field resolves; <see cref="ConditionCompileError.Subject"/> is the name.</summary>
    UnknownField,

    /// <summary>An <c>evt.type</c> value that is neither an event nor a syscall name; the subject is the value.</summary>
    UnknownEventType,

    /// <summary>A macro reference left in the condition; the subject is the macro name.</summary>
    UndefinedMacro,
}
