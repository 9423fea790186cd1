using System.Globalization;
using System.Text;

namespace Falconet.Learn;

/// <summary>
/// Writes learned entries as a Falco rules file to load after the rules it was learned with: host-wide entries
/// appended to the three <c>allowed_outbound_destination_*</c> lists, scoped ones as exceptions appended to the
/// flagship rule. Every entry carries a comment: first and last seen, count, processes or images, an example.
/// Only standard keys (<c>list</c>, <c>items</c>, <c>rule</c>, <c>exceptions</c>, <c>override</c>) and the <c>=</c>
/// comparison are used, so the file is plain Falco syntax; wildcards appear only when the generaliser made them.
/// </summary>
internal static class AllowlistWriter
{
    public const string FlagshipRule = "Unexpected outbound connection destination";

    public static string Write(IReadOnlyList<LearnedEntry> entries, IReadOnlyList<string> header, out int skipped)
    {
        var text = new StringBuilder();
        foreach (string line in header)
        {
            text.Append("# ").AppendLine(Comment(line));
        }
        text.AppendLine();
        skipped = 0;
        List<LearnedEntry> listed = [.. entries.Where(e => e.Port is null)];
        if (listed.Count > 0 || entries.Count == 0)
        {
            foreach (string list in (string[])[LearnedEntry.AddressesList, LearnedEntry.NetworksList, LearnedEntry.DomainsList])
            {
                skipped += WriteList(text, list, [.. listed.Where(e => e.ListName == list)]);
            }
        }
        List<LearnedEntry> scoped = [.. entries.Where(e => e.Port is not null)];
        if (scoped.Count > 0)
        {
            text.Append("- rule: ").AppendLine(FlagshipRule);
            text.AppendLine("  exceptions:");
            foreach (IGrouping<string, LearnedEntry> exception in scoped.GroupBy(e => string.Join(',', e.ExceptionFields), StringComparer.Ordinal))
            {
                string[] fields = exception.First().ExceptionFields;
                text.Append("    - name: learned_").AppendLine(string.Join('_', fields.Select(f => f.Replace('.', '_'))));
                text.Append("      fields: [").Append(string.Join(", ", fields)).AppendLine("]");
                text.Append("      comps: [").Append(string.Join(", ", fields.Select(_ => "="))).AppendLine("]");
                text.AppendLine("      values:");
                foreach (LearnedEntry entry in exception)
                {
                    string[] values = [.. entry.Scope.Values, entry.Value];
                    if (values.Any(v => !IsWritable(v)))
                    {
                        skipped++;
                        continue;
                    }
                    text.Append("        # ").AppendLine(Comment(Describe(entry)));
                    text.Append("        - [").Append(string.Join(", ", values.Select(QuotedLiteral)))
                        .Append(", ").Append(entry.Port!.Value.ToString(CultureInfo.InvariantCulture)).AppendLine("]");
                }
            }
            text.AppendLine("  override:");
            text.AppendLine("    exceptions: append");
        }
        return text.ToString();
    }

    private static int WriteList(StringBuilder text, string list, List<LearnedEntry> entries)
    {
        int skipped = 0;
        text.Append("- list: ").AppendLine(list);
        if (entries.Count == 0)
        {
            text.AppendLine("  items: []");
        }
        else
        {
            text.AppendLine("  items:");
            foreach (LearnedEntry entry in entries)
            {
                if (!IsWritable(entry.Value))
                {
                    skipped++;
                    continue;
                }
                text.Append("    # ").AppendLine(Comment(Describe(entry)));
                // Addresses and networks as Falco's own lists write them: a quoted string inside the YAML string.
                text.Append("    - ").AppendLine(entry.Kind == EntryKind.Domain ? "\"" + entry.Value + "\"" : QuotedLiteral(entry.Value));
            }
        }
        text.AppendLine("  override:");
        text.AppendLine("    items: append");
        text.AppendLine();
        return skipped;
    }

    /// <summary>The entry's comment: when, how often, who, and one connection it allows.</summary>
    internal static string Describe(LearnedEntry entry)
    {
        var who = new List<string>();
        string processes = Limited(entry.Processes);
        if (processes.Length > 0)
        {
            who.Add("processes " + processes);
        }
        string images = Limited(entry.Images);
        if (images.Length > 0)
        {
            who.Add("images " + images);
        }
        string names = entry.Kind == EntryKind.Domain && entry.Value.StartsWith('*')
            ? "; names " + Limited(entry.Sources.Select(s => s.Name!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            : entry.Kind == EntryKind.Network
                ? "; addresses " + Limited(entry.Sources.Select(s => s.Address.ToString()).Distinct(StringComparer.Ordinal))
                : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"first {Time(entry.FirstNs)}, last {Time(entry.LastNs)}, {entry.Count} connection{(entry.Count == 1 ? "" : "s")}, {string.Join(", ", who)}{names}; e.g. {entry.Sources[0].Example}");
    }

    private static string Limited(IEnumerable<string> values)
    {
        string[] all = [.. values];
        return all.Length <= 5 ? string.Join(' ', all) : string.Join(' ', all.Take(5)) + $" (+{all.Length - 5} more)";
    }

    internal static string Time(ulong ns) =>
        DateTime.UnixEpoch.AddTicks((long)(ns / 100)).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    /// <summary>Comments are one line: a newline in a process name must not end the comment.</summary>
    private static string Comment(string text) => text.Replace('\n', ' ').Replace('\r', ' ');

    /// <summary>
    /// A value the condition text will read as one string: written with double quotes inside a YAML single-quoted
    /// scalar, as Falco's own lists write addresses. Values holding a quote or a backslash are not written.
    /// </summary>
    private static string QuotedLiteral(string value) => "'\"" + value + "\"'";

    private static bool IsWritable(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '*' or ':' or '/' or '+' or '@' or '~' or ' ');
}
