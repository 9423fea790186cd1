using System.Globalization;

namespace Falconet.Core.Events;

public static partial class SyscallTable
{
    // A nested class so that the tables exist before SyscallTable's own static fields read them.
    private static class Data
    {
        private const string ResourceName = "Falconet.Core.Events.SyscallTable.Data.tsv";

        // The rows of SyscallTable.Data.tsv (embedded): PPM_SC code and name, or "-" and a name without a code.
        private static readonly (string Code, string Name)[] s_rows = ReadRows();

        public static readonly (ushort Code, string Name)[] Codes = [.. s_rows
            .Where(r => r.Code != "-")
            .Select(r => (ushort.Parse(r.Code, CultureInfo.InvariantCulture), r.Name))];

        public static readonly string[] NamesWithoutCode = [.. s_rows.Where(r => r.Code == "-").Select(r => r.Name)];

        private static (string Code, string Name)[] ReadRows()
        {
            using Stream stream = typeof(SyscallTable).Assembly.GetManifestResourceStream(ResourceName)
                ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
            using var reader = new StreamReader(stream);
            var rows = new List<(string, string)>();
            while (reader.ReadLine() is { } line)
            {
                if (line.Length > 0 && line[0] != '#')
                {
                    int tab = line.IndexOf('\t', StringComparison.Ordinal);
                    rows.Add((line[..tab], line[(tab + 1)..]));
                }
            }
            return [.. rows];
        }
    }
}
