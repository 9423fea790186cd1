using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Falconet.Rules.Loading;

/// <summary>
/// Bounds a YAML text must keep before it is loaded into a node tree: nesting depth (YamlDotNet builds the tree
/// recursively, so a file of 100 000 '[' would overflow the stack) and the number of nodes once aliases are expanded
/// (readers walk an alias as a copy, so a few lines of nested aliases, a "billion laughs" file, would not end).
/// Checked in one pass over the parser's events, without recursion and without building anything.
/// </summary>
public static class YamlLimits
{
    /// <summary>The deepest nesting of mappings and sequences accepted.</summary>
    public const int MaxDepth = 256;

    /// <summary>The most nodes a document may expand to, aliases counted as the copies readers make.</summary>
    public const long MaxExpandedNodes = 2_000_000;

    /// <summary>
    /// Null when <paramref name="content"/> is within the limits (or does not parse: the loader then reports that);
    /// otherwise what is wrong, with <paramref name="at"/> the position of the offending node.
    /// </summary>
    public static string? Check(string content, out Mark at, int maxDepth = MaxDepth, long maxExpandedNodes = MaxExpandedNodes)
    {
        ArgumentNullException.ThrowIfNull(content);
        at = Mark.Empty;
        var parser = new Parser(new StringReader(content));
        var anchors = new Dictionary<string, long>(StringComparer.Ordinal);
        var open = new Stack<(string? Anchor, long Start)>();
        long expanded = 0;
        try
        {
            while (parser.MoveNext())
            {
                ParsingEvent current = parser.Current!;
                switch (current)
                {
                    case DocumentStart:
                        anchors.Clear();
                        break;
                    case SequenceStart or MappingStart:
                        var nodeEvent = (NodeEvent)current;
                        expanded++;
                        open.Push((nodeEvent.Anchor.IsEmpty ? null : nodeEvent.Anchor.Value, expanded - 1));
                        if (open.Count > maxDepth)
                        {
                            at = current.Start;
                            return $"YAML nested deeper than {maxDepth} levels";
                        }
                        break;
                    case SequenceEnd or MappingEnd when open.Count > 0:
                        (string? anchor, long start) = open.Pop();
                        if (anchor is not null)
                        {
                            anchors[anchor] = expanded - start;
                        }
                        break;
                    case Scalar scalar:
                        expanded++;
                        if (!scalar.Anchor.IsEmpty)
                        {
                            anchors[scalar.Anchor.Value] = 1;
                        }
                        break;
                    case AnchorAlias alias:
                        expanded += anchors.GetValueOrDefault(alias.Value.Value, 1);
                        break;
                }
                if (expanded > maxExpandedNodes)
                {
                    at = current.Start;
                    return $"YAML expands to more than {maxExpandedNodes} nodes once its aliases are expanded (nested aliases?)";
                }
            }
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException or ArgumentException)
        {
            // Not valid YAML: the loader reports it with its own message and position.
        }
        return null;
    }
}
