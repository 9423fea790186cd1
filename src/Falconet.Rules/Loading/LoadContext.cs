using System.Collections.Immutable;

namespace Falconet.Rules.Loading;

/// <summary>
/// The chain of locations from the rules file down to the item a diagnostic is about
/// (file → rule 'x' → rule condition → condition expression). Immutable; children share the parent's chain.
/// </summary>
public sealed class LoadContext
{
    private LoadContext(ImmutableArray<LoadLocation> locations, string? conditionText)
    {
        Locations = locations;
        ConditionText = conditionText;
    }

    /// <summary>The chain of items from the file down to the failing one.</summary>
    public ImmutableArray<LoadLocation> Locations { get; }

    /// <summary>For condition-expression contexts: the condition text the last position points into.</summary>
    public string? ConditionText { get; }

    /// <summary>The rules file (first location's name).</summary>
    public string FileName => Locations[0].Name;

    /// <summary>The innermost item.</summary>
    public LoadLocation Last => Locations[^1];

    /// <summary>The root context of a rules file: the whole document at position 0.</summary>
    public static LoadContext ForFile(string name) =>
        new([new LoadLocation(name, default, LoadItemType.RulesContent, "")], null);

    /// <summary>The context of an item inside this one.</summary>
    public LoadContext Child(LoadPosition position, LoadItemType itemType, string itemName) =>
        new(Locations.Add(new LoadLocation(FileName, position, itemType, itemName)), null);

    /// <summary>
    /// A location inside a condition: <paramref name="conditionOffset"/> is 0-based, line and column are
    /// the condition parser's 1-based values. As in Falco they are added to this context's last position.
    /// </summary>
    public LoadContext ForCondition(string condition, int conditionOffset, int conditionLine, int conditionColumn)
    {
        string name = condition.Length > 20 ? "\"" + condition[..17] + "...\"" : "\"" + condition + "\"";
        name = name.Replace('\n', ' ').Replace('\r', ' ');
        LoadPosition last = Last.Position;
        var position = new LoadPosition(last.Offset + conditionOffset, last.Line + conditionLine, last.Column + conditionColumn);
        return new LoadContext(Locations.Add(new LoadLocation(name, position, LoadItemType.ConditionExpression, "")), condition);
    }

    /// <summary>The item (rule/macro/list …) this context belongs to: the innermost location that has a name.</summary>
    public (LoadItemType Type, string Name)? Item
    {
        get
        {
            for (int i = Locations.Length - 1; i >= 0; i--)
            {
                LoadLocation location = Locations[i];
                if (location.ItemName.Length > 0 && location.ItemType is LoadItemType.Rule or LoadItemType.Macro or LoadItemType.List
                    or LoadItemType.Exception or LoadItemType.RequiredPluginVersionsEntry)
                {
                    return (location.ItemType, location.ItemName);
                }
            }
            return null;
        }
    }

    /// <summary>
    /// The innermost position that lies in the file itself (not inside a condition), as 1-based line:column
    /// for people and editors.
    /// </summary>
    public (int Line, int Column) FilePosition
    {
        get
        {
            for (int i = Locations.Length - 1; i >= 0; i--)
            {
                if (Locations[i].ItemType != LoadItemType.ConditionExpression)
                {
                    return (Locations[i].Position.Line + 1, Locations[i].Position.Column + 1);
                }
            }
            return (1, 1);
        }
    }

    /// <summary>The "In rule 'x': (file:line:col)" lines of Falco's verbose text.</summary>
    public string ToChainText()
    {
        var text = new System.Text.StringBuilder();
        bool first = true;
        foreach (LoadLocation location in Locations)
        {
            text.Append(first ? "In " : "    ");
            first = false;
            text.Append(LoadCodes.ItemTypeText(location.ItemType));
            if (location.ItemName.Length > 0)
            {
                text.Append(" '").Append(location.ItemName).Append('\'');
            }
            text.Append(": (").Append(location.Name).Append(':').Append(location.Position.Line).Append(':')
                .Append(location.Position.Column).Append(")\n");
        }
        return text.ToString();
    }

    /// <summary>
    /// The line around the last position with a caret under it, capped at <paramref name="width"/>/2 characters
    /// each side, as in Falco's load results.
    /// </summary>
    public string Snippet(IReadOnlyDictionary<string, string> contents, int width = 160)
    {
        LoadLocation location = Last;
        string? content = ConditionText;
        if (content is null && !contents.TryGetValue(location.Name, out content))
        {
            return "<No context for file + " + location.Name + ">\n";
        }
        if (content.Length == 0)
        {
            return "<No context available>\n";
        }
        int half = width / 2;
        int pos = Math.Max(0, location.Position.Offset);
        // A mark may point past the end (a dangling "tags:") or at a newline: step back onto text.
        while (pos > 0 && (pos >= content.Length || content[pos] == '\n'))
        {
            pos--;
        }
        int from = pos;
        while (from > 0 && content[from] != '\n' && pos - from < half)
        {
            from--;
        }
        int to = pos;
        while (to < content.Length - 1 && content[to] != '\n' && to - pos < half)
        {
            to++;
        }
        if (from < content.Length && content[from] == '\n')
        {
            from++;
        }
        if (to < content.Length && content[to] == '\n')
        {
            to--;
        }
        if (to < from)
        {
            return "<No context available>\n";
        }
        var line = new System.Text.StringBuilder(content, from, to - from + 1, to - from + 8);
        if (pos - from >= half && line.Length >= 3)
        {
            line.Remove(0, 3).Insert(0, "...");
        }
        if (to - pos >= half && line.Length >= 3)
        {
            line.Remove(line.Length - 3, 3).Append("...");
        }
        line.Append('\n');
        if (pos - from <= line.Length - 1)
        {
            line.Append(' ', pos - from).Append("^\n");
        }
        return line.ToString();
    }
}
