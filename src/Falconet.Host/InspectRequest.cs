namespace Falconet.Host;

/// <summary><c>falconet inspect</c>: list the events rules would see.</summary>
public sealed class InspectRequest
{
    /// <summary>The capture file to read.</summary>
    public required string CapturePath { get; init; }
    /// <summary>An output format (<c>-p</c>) instead of the default event line.</summary>
    public string? Format { get; init; }
    /// <summary>One JSON object per event.</summary>
    public bool Json { get; init; }
    /// <summary>Stop after this many events.</summary>
    public long? Limit { get; init; }
    /// <summary>A condition the printed events must match.</summary>
    public string? Filter { get; init; }

    /// <summary>Print sysdig's event numbers (position in the file) in <c>%evt.num</c> instead of Falco's.</summary>
    public bool FileNumbers { get; init; }
}
