namespace Falconet.Rules.Loading;

/// <summary>One link of a diagnostic's context chain: which item, where.</summary>
/// <param name="Name">The file name, or for condition locations the quoted, truncated condition text.</param>
/// <param name="Position">Where the item starts.</param>
/// <param name="ItemType">What kind of item it is.</param>
/// <param name="ItemName">The item's name, empty for unnamed items.</param>
public sealed record LoadLocation(string Name, LoadPosition Position, LoadItemType ItemType, string ItemName);
