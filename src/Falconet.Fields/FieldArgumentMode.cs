namespace Falconet.Fields;

/// <summary>How a field takes an argument: <c>proc.aname[2]</c>, <c>evt.arg.name</c>, <c>evt.arg[0]</c>.</summary>
public enum FieldArgumentMode : byte
{
    /// <summary>No argument allowed.</summary>
    None = 0,

    /// <summary>An argument is allowed (e.g. <c>proc.aname</c> and <c>proc.aname[2]</c>).</summary>
    Optional,

    /// <summary>An argument is required (e.g. <c>evt.arg.name</c>, <c>proc.env[HOME]</c>).</summary>
    Required,
}
