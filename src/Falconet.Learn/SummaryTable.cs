using System.Globalization;

namespace Falconet.Learn;

/// <summary>The terminal summary: destinations by connection count, with who made them and what became of them.</summary>
internal static class SummaryTable
{
    public static void Write(TextWriter output, IReadOnlyCollection<ObservedDestination> destinations, int rows, string decisionHeader)
    {
        ObservedDestination[] sorted = [.. destinations
            .OrderByDescending(d => d.Count)
            .ThenBy(d => d.Endpoint, StringComparer.Ordinal)];
        string[][] table = [.. sorted.Take(rows).Select(d => new[]
        {
            d.Count.ToString(CultureInfo.InvariantCulture),
            d.Endpoint,
            d.Name ?? "-",
            Processes(d),
            d.Decision,
        })];
        string[] header = ["COUNT", "DESTINATION", "NAME", "PROCESSES", decisionHeader];
        int[] widths = [.. header.Select((h, i) => Math.Min(48, Math.Max(h.Length, table.Length == 0 ? 0 : table.Max(r => r[i].Length))))];
        WriteRow(output, header, widths);
        foreach (string[] row in table)
        {
            WriteRow(output, row, widths);
        }
        if (sorted.Length > rows)
        {
            output.WriteLine($"… {sorted.Length - rows} more destinations ({sorted.Skip(rows).Sum(d => d.Count)} connections)");
        }
    }

    private static string Processes(ObservedDestination d)
    {
        string text = string.Join(',', d.Processes);
        return d.Scope.Fields.Length == 0 ? text : d.Scope + " " + text;
    }

    private static void WriteRow(TextWriter output, string[] cells, int[] widths)
    {
        var parts = new string[cells.Length];
        for (int i = 0; i < cells.Length; i++)
        {
            string cell = cells[i].Length > widths[i] ? cells[i][..(widths[i] - 1)] + "…" : cells[i];
            parts[i] = i == 0 ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]);
        }
        output.WriteLine(string.Join("  ", parts).TrimEnd());
    }
}
