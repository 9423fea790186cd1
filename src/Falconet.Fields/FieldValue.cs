namespace Falconet.Fields;

/// <summary>
/// The value of a field for one event. Which member holds it depends on the field's type:
/// integers, booleans (0/1), ports, times, uids/gids in <see cref="Int"/>; strings in <see cref="String"/>;
/// addresses in <see cref="Ip"/>; doubles in <see cref="Double"/>.
/// </summary>
public struct FieldValue
{
    /// <summary>Integers, booleans (0/1), ports, times, uids and gids.</summary>
    public long Int;

    /// <summary>Text values, and byte buffers as Latin-1 (one char per byte).</summary>
    public string? String;

    /// <summary>Addresses; held by the state, never created per event.</summary>
    public System.Net.IPAddress? Ip;

    /// <summary>Floating-point values.</summary>
    public double Double;

    /// <summary>
    /// For list fields: all values (strings); null for single-valued fields. The list may be a buffer the extractor
    /// reuses on its next call: read it before extracting again.
    /// </summary>
    public IReadOnlyList<string>? List;
}
