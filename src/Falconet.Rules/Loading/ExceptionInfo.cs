namespace Falconet.Rules.Loading;

/// <summary>One element of a rule's <c>exceptions</c>.</summary>
public sealed class ExceptionInfo(string name, LoadContext context)
{
    /// <summary>The exception name, unique within the rule.</summary>
    public string Name { get; } = name;
    /// <summary>Where the exception was defined, for diagnostics.</summary>
    public LoadContext Context { get; } = context;
    /// <summary>The field, or the fields of a tuple, the values are compared with.</summary>
    public ExceptionEntry Fields { get; set; } = new();
    /// <summary>The operator, or the operator per field (<c>=</c> when omitted).</summary>
    public ExceptionEntry Comps { get; set; } = new();
    /// <summary>The value tuples whose match excludes an event.</summary>
    public List<ExceptionEntry> Values { get; } = [];
}
