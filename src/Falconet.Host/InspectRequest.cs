namespace Falconet.Host;

/// <summary><c>falconet inspect</c>: list the events rules would see.</summary>
public sealed class InspectRequest
{
    public required string CapturePath { get; init; }
    public string? Format { get; init; }
    public bool Json { get; init; }
    public long? Limit { get; init; }
    public string? Filter { get; init; }

    /// <summary>Print sysdig's event numbers (position in the file) in <c>%evt.num</c> instead of Falco's.</summary>
    public bool FileNumbers { get; init; }
}
