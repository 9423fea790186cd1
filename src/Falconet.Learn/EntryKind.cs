namespace Falconet.Learn;

/// <summary>What a learned entry allows by.</summary>
internal enum EntryKind
{
    /// <summary>A name or a one-label wildcard, matched against <c>fd.sip.name</c>.</summary>
    Domain,

    /// <summary>One server address, <c>fd.sip</c>.</summary>
    Address,

    /// <summary>A network covering observed addresses, <c>fd.snet</c>.</summary>
    Network,
}
