namespace Falconet.Rules.Loading;

/// <summary>One element of a rule's <c>exceptions</c>.</summary>
public sealed class ExceptionInfo(string name, LoadContext context)
{
    public string Name { get; } = name;
    public LoadContext Context { get; } = context;
    public ExceptionEntry Fields { get; set; } = new();
    public ExceptionEntry Comps { get; set; } = new();
    public List<ExceptionEntry> Values { get; } = [];
}
