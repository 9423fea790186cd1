using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Falconet.Fuzz;

/// <summary>Seed material: the project's own files and ../shared, read in place (nothing is copied into the repository).</summary>
public static class FuzzInputs
{
    /// <summary>The repository root (the folder holding Falconet.slnx).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>../shared beside the repository, or FALCONET_SHARED.</summary>
    public static string SharedRoot { get; } = Environment.GetEnvironmentVariable("FALCONET_SHARED") is { Length: > 0 } env
        ? Path.GetFullPath(env)
        : Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));

    /// <summary>Every rules file: the built-in ones and ../shared/rules.</summary>
    public static IReadOnlyList<string> RulesFiles() =>
    [
        .. Existing(Path.Combine(RepositoryRoot, "src", "Falconet.Host", "Defaults"), "*_rules.yaml"),
        .. Existing(Path.Combine(SharedRoot, "rules"), "*.yaml"),
    ];

    /// <summary>The shared captures and the test corpora's captures.</summary>
    public static IReadOnlyList<string> CaptureFiles() => Existing(Path.Combine(SharedRoot, "captures"), "*.scap");

    /// <summary>The DNS message corpus of the Dns tests.</summary>
    public static IReadOnlyList<string> DnsFiles() => Existing(Path.Combine(RepositoryRoot, "tests", "Falconet.Dns.Tests", "Corpus"), "*.bin");

    /// <summary>Configuration files: the built-in falconet.yaml.</summary>
    public static IReadOnlyList<string> ConfigFiles() => Existing(Path.Combine(RepositoryRoot, "src", "Falconet.Host", "Defaults"), "falconet.yaml");

    /// <summary>The values of <paramref name="key"/> (condition, output) of every item of every rules file.</summary>
    public static List<string> RuleValues(string key)
    {
        var values = new List<string>();
        foreach (string file in RulesFiles())
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(File.ReadAllText(file)));
            foreach (YamlDocument document in stream.Documents)
            {
                if (document.RootNode is not YamlSequenceNode items)
                {
                    continue;
                }
                foreach (YamlNode item in items)
                {
                    if (item is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? value)
                        && value is YamlScalarNode { Value: { Length: > 0 } text })
                    {
                        values.Add(text);
                    }
                }
            }
        }
        return values;
    }

    /// <summary>Each rules file cut into pieces of a few items, so one load stays fast; the whole small files too.</summary>
    public static List<byte[]> RulesFilePieces()
    {
        var pieces = new List<byte[]>();
        foreach (string file in RulesFiles())
        {
            string text = File.ReadAllText(file);
            if (text.Length < 8192)
            {
                pieces.Add(Encoding.UTF8.GetBytes(text));
            }
            // Top-level items start at column 0 with "- ".
            string[] lines = text.Split('\n');
            var piece = new StringBuilder();
            int items = 0;
            foreach (string line in lines)
            {
                if (line.StartsWith("- ", StringComparison.Ordinal) && ++items > 4)
                {
                    pieces.Add(Encoding.UTF8.GetBytes(piece.ToString()));
                    piece.Clear();
                    items = 1;
                }
                piece.Append(line).Append('\n');
            }
            pieces.Add(Encoding.UTF8.GetBytes(piece.ToString()));
        }
        return pieces;
    }

    /// <summary>The raw events (v2 header, as the probe writes them) of a capture's event blocks.</summary>
    public static List<byte[]> EventRecords(byte[] capture)
    {
        capture = Gunzip(capture);
        var records = new List<byte[]>();
        int offset = 0;
        while (offset + 12 <= capture.Length)
        {
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(capture.AsSpan(offset));
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(capture.AsSpan(offset + 4));
            if (length < 12 || length > capture.Length - offset)
            {
                break;
            }
            int prefix = type switch
            {
                0x216 or 0x221 => 2,
                0x217 or 0x222 => 6,
                _ => -1,
            };
            int v1Prefix = type switch
            {
                0x204 => 2,
                0x208 => 6,
                _ => -1,
            };
            if (v1Prefix > 0 && length >= 8 + v1Prefix + 22 && ToV2(capture.AsSpan(offset + 8 + v1Prefix, length - 12 - v1Prefix)) is { } converted)
            {
                records.Add(converted);
            }
            if (prefix > 0 && length >= 8 + prefix + 26)
            {
                ReadOnlySpan<byte> evt = capture.AsSpan(offset + 8 + prefix);
                uint len = BinaryPrimitives.ReadUInt32LittleEndian(evt[16..]);
                if (len >= 26 && len <= evt.Length)
                {
                    records.Add(evt[..(int)len].ToArray());
                }
            }
            offset += length;
        }
        return records;
    }

    /// <summary>A v1-header event (no nparams; old captures) as the v2 record the probe writes, or null.</summary>
    private static byte[]? ToV2(ReadOnlySpan<byte> v1)
    {
        var evt = new Falconet.Core.Events.ScapEvent();
        if (evt.Decode(v1, v1Header: true) is not null || !Falconet.Core.Events.EventTable.IsKnown(evt.Type) || evt.Type is 280 or 286)
        {
            return null;
        }
        uint len = BinaryPrimitives.ReadUInt32LittleEndian(v1[16..]);
        var record = new byte[len + 4];
        v1[..16].CopyTo(record);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(16), len + 4);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(20), evt.Type);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(22), (uint)evt.ParamCount);
        v1[22..(int)len].CopyTo(record.AsSpan(26));
        return record;
    }

    /// <summary>Records framed for the live-record target: a 2-byte length, then the record, repeated.</summary>
    public static byte[] FrameRecords(IEnumerable<byte[]> records)
    {
        var output = new MemoryStream();
        Span<byte> prefix = stackalloc byte[2];
        foreach (byte[] record in records)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(prefix, (ushort)Math.Min(record.Length, ushort.MaxValue));
            output.Write(prefix);
            output.Write(record, 0, Math.Min(record.Length, ushort.MaxValue));
        }
        return output.ToArray();
    }

    /// <summary>The decompressed bytes of a gzip file; other bytes as they are.</summary>
    public static byte[] Gunzip(byte[] data)
    {
        if (data is not [0x1F, 0x8B, ..])
        {
            return data;
        }
        using var gzip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        var plain = new MemoryStream();
        gzip.CopyTo(plain);
        return plain.ToArray();
    }

    /// <summary>gzip of <paramref name="data"/>.</summary>
    public static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }

    private static List<string> Existing(string folder, string pattern) =>
        Directory.Exists(folder) ? [.. Directory.GetFiles(folder, pattern).Order(StringComparer.Ordinal)] : [];

    private static string FindRoot()
    {
        // FALCONET_REPO, for a runner published (and instrumented) outside the tree, as bench/fuzz.sh does.
        if (Environment.GetEnvironmentVariable("FALCONET_REPO") is { Length: > 0 } repo)
        {
            return Path.GetFullPath(repo);
        }
        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Falconet.slnx")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new InvalidOperationException("Falconet.slnx not found above " + AppContext.BaseDirectory + "; set FALCONET_REPO");
    }
}
