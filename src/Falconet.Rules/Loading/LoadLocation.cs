namespace Falconet.Rules.Loading;

/// <summary>One link of a diagnostic's context chain: which item, where.</summary>
/// <param name="Name">The file name, or for condition locations the quoted, truncated condition text.</param>
public sealed record LoadLocation(string Name, LoadPosition Position, LoadItemType ItemType, string ItemName);
