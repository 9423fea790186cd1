namespace Falconet.Fields.ArgumentRendering;

/// <summary>
/// A PPM flag/enum table (the <c>info</c> of a FLAGS, ENUMFLAGS or MODE event parameter).
/// The entry order matters: rendering walks it in order, so it follows the order libs prints in
/// (e.g. <c>O_RDWR</c> is tried before <c>O_WRONLY</c>/<c>O_RDONLY</c>).
/// </summary>
public sealed class FlagTable
{
    /// <summary>A table named as the event table names it, with its entries in printing order.</summary>
    public FlagTable(string name, FlagName[] entries)
    {
        Name = name;
        Entries = entries;
    }

    /// <summary>The table's name in the event table (e.g. <c>file_flags</c>).</summary>
    public string Name { get; }

    /// <summary>The entries, in the order rendering tries them.</summary>
    public IReadOnlyList<FlagName> Entries { get; }

    /// <summary>
    /// Appends the symbolic form of <paramref name="value"/>: for bit sets every contained entry joined by <c>|</c>
    /// (each entry's bits are removed once printed, so <c>O_RDWR</c> does not also print <c>O_RDONLY</c>);
    /// an entry equal to the whole value ends the walk and is printed alone (after what was printed before);
    /// a zero entry only matches a zero value. For enums (<paramref name="exactMatch"/>) only an equal entry prints.
    /// Appends nothing when no entry applies.
    /// </summary>
    public void AppendNames(System.Text.StringBuilder output, uint value, bool exactMatch)
    {
        string separator = "";
        uint remaining = value;
        int i = 0;
        for (; i < Entries.Count && Entries[i].Value != value; i++)
        {
            FlagName entry = Entries[i];
            if (exactMatch)
            {
                continue;
            }
            bool zeroMatch = entry.Value == 0 && value == 0;
            bool bitsMatch = entry.Value != 0 && remaining != 0 && (remaining & entry.Value) == entry.Value;
            if (zeroMatch || bitsMatch)
            {
                output.Append(separator).Append(entry.Name);
                separator = "|";
                remaining &= ~entry.Value;
            }
        }
        if (i < Entries.Count)
        {
            output.Append(separator).Append(Entries[i].Name);
        }
    }
}
