using Falconet.Host;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Falconet.Learn;

/// <summary>
/// Reads an earlier allowlist back for <c>--diff</c>: the items of the three <c>allowed_outbound_destination_*</c>
/// lists and the value rows of the flagship rule's exceptions, as the same keys <see cref="LearnedEntry.DiffKey"/>
/// gives new entries.
/// </summary>
internal static class AllowlistReader
{
    private static readonly HashSet<string> s_lists = new(StringComparer.Ordinal)
    {
        LearnedEntry.AddressesList, LearnedEntry.NetworksList, LearnedEntry.DomainsList,
    };

    public static IReadOnlyList<string> ReadKeys(string path)
    {
        var yaml = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            yaml.Load(reader);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserFacingException($"cannot read {path}: {e.Message}");
        }
        catch (YamlException e)
        {
            throw new UserFacingException($"{path}:{e.Start.Line}:{e.Start.Column}: not a YAML rules file: {e.Message}");
        }
        var keys = new List<string>();
        foreach (YamlDocument document in yaml.Documents)
        {
            if (document.RootNode is not YamlSequenceNode items)
            {
                continue;
            }
            foreach (YamlMappingNode item in items.OfType<YamlMappingNode>())
            {
                if (Scalar(item, "list") is { } list && s_lists.Contains(list) && Child(item, "items") is YamlSequenceNode values)
                {
                    foreach (YamlScalarNode value in values.OfType<YamlScalarNode>())
                    {
                        keys.Add($"{list}: {Unquote(value.Value ?? "")}");
                    }
                }
                else if (Scalar(item, "rule") == AllowlistWriter.FlagshipRule && Child(item, "exceptions") is YamlSequenceNode exceptions)
                {
                    foreach (YamlMappingNode exception in exceptions.OfType<YamlMappingNode>())
                    {
                        if (Child(exception, "fields") is not YamlSequenceNode fields || Child(exception, "values") is not YamlSequenceNode rows)
                        {
                            continue;
                        }
                        string fieldText = string.Join(", ", fields.OfType<YamlScalarNode>().Select(f => f.Value));
                        foreach (YamlSequenceNode row in rows.OfType<YamlSequenceNode>())
                        {
                            keys.Add($"[{fieldText}]: [{string.Join(", ", row.OfType<YamlScalarNode>().Select(v => Unquote(v.Value ?? "")))}]");
                        }
                    }
                }
            }
        }
        return keys;
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? child) ? child : null;

    private static string? Scalar(YamlMappingNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;
}
