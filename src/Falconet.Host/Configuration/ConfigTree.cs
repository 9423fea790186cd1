using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Falconet.Host.Configuration;

/// <summary>
/// A falco.yaml-shaped configuration as a tree of maps, lists and scalar strings, with Falco's
/// <c>-o key=value</c> override syntax (dotted paths, <c>key[N]</c>, <c>key[]</c> to append, JSON or YAML values,
/// backslash escapes for literal <c>. [ ] \</c> in keys).
/// </summary>
public sealed class ConfigTree
{
    private readonly Dictionary<string, object?> _root;
    // Dotted path of every map key set (not list items) → where its value came from.
    private readonly Dictionary<string, ConfigOrigin> _origins;

    private ConfigTree(Dictionary<string, object?> root, Dictionary<string, ConfigOrigin> origins)
    {
        _root = root;
        _origins = origins;
    }

    /// <summary>A configuration with no keys: every getter returns its fallback.</summary>
    public static ConfigTree Empty() => new(new Dictionary<string, object?>(StringComparer.Ordinal), new Dictionary<string, ConfigOrigin>(StringComparer.Ordinal));

    /// <summary>Where the value at a dotted path came from, or null when it is not set.</summary>
    public ConfigOrigin? OriginOf(string dottedPath) => _origins.GetValueOrDefault(dottedPath);

    /// <summary>Every map key, depth first in file order, with its dotted path, value and origin (lists are not entered).</summary>
    public IEnumerable<(string Path, object? Value, ConfigOrigin? Origin)> Entries() => Walk(_root, "");

    private IEnumerable<(string Path, object? Value, ConfigOrigin? Origin)> Walk(Dictionary<string, object?> map, string prefix)
    {
        foreach ((string key, object? value) in map)
        {
            string path = prefix.Length == 0 ? key : prefix + "." + key;
            yield return (path, value, _origins.GetValueOrDefault(path));
            if (value is Dictionary<string, object?> child)
            {
                foreach ((string Path, object? Value, ConfigOrigin? Origin) entry in Walk(child, path))
                {
                    yield return entry;
                }
            }
        }
    }

    /// <summary>Reads a falco.yaml file; unreadable or invalid YAML is a <see cref="ConfigException"/>.</summary>
    public static ConfigTree LoadFile(string path)
    {
        // Checked before opening: a FIFO would block the open until someone writes to it.
        InputFileKind kind = InputFiles.KindOf(path);
        if (kind != InputFileKind.Missing && InputFiles.Problem(path, kind, "configuration file") is { } problem)
        {
            throw new ConfigException(problem);
        }
        string text;
        try
        {
            text = Falconet.Core.Text.Utf8TextFile.Read(path);
        }
        catch (InvalidDataException e)
        {
            throw new ConfigException($"configuration file {path} is {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"Could not find configuration file at {path}: {e.Message}");
        }
        return Parse(text, path);
    }

    /// <summary>Parses falco.yaml text; <paramref name="displayName"/> names it in error messages.</summary>
    public static ConfigTree Parse(string yaml, string displayName)
    {
        if (Falconet.Rules.Loading.YamlLimits.Check(yaml, out Mark limitAt) is { } tooLarge)
        {
            throw new ConfigException($"{displayName}:{limitAt.Line}:{limitAt.Column}: {tooLarge}");
        }
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new ConfigException($"{displayName}:{e.Start.Line}:{e.Start.Column}: invalid YAML: {e.Message}");
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // YamlDotNet throws these instead of a YamlException for some malformed input (a key with no node before
            // it, input ending inside a flow collection); found by fuzzing.
            throw new ConfigException($"{displayName}: invalid YAML: {e.Message}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return Empty();
        }
        ConfigOriginKind kind = displayName == EmbeddedDefaults.ConfigFileName ? ConfigOriginKind.BuiltIn : ConfigOriginKind.File;
        if (stream.Documents[0].RootNode is not YamlMappingNode map)
        {
            YamlNode node = stream.Documents[0].RootNode;
            throw new ConfigException($"{displayName}:{node.Start.Line}:{node.Start.Column}: the configuration must be a YAML mapping");
        }
        var origins = new Dictionary<string, ConfigOrigin>(StringComparer.Ordinal);
        var root = (Dictionary<string, object?>)Convert(map, "", displayName, kind, origins, null)!;
        return new ConfigTree(root, origins);
    }

    // Bounded: YamlLimits.Check ran first (depth and expanded aliases).
    private static object? Convert(YamlNode node, string path, string source, ConfigOriginKind kind, Dictionary<string, ConfigOrigin> origins, List<string>? variables)
    {
        switch (node)
        {
            case YamlMappingNode m:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach ((YamlNode keyNode, YamlNode valueNode) in m.Children)
                {
                    if (keyNode is not YamlScalarNode { Value: string key })
                    {
                        throw new ConfigException($"{source}:{keyNode.Start.Line}:{keyNode.Start.Column}: a configuration key must be a plain string, not a {(keyNode is YamlMappingNode ? "mapping" : "list")}");
                    }
                    string childPath = path.Length == 0 ? key : path + "." + key;
                    var used = new List<string>();
                    map[key] = Convert(valueNode, childPath, source, kind, origins, used);
                    origins[childPath] = new ConfigOrigin(kind, source, (int)keyNode.Start.Line, used);
                }
                return map;
            case YamlSequenceNode s:
                return s.Children.Select(c => Convert(c, path, source, kind, origins, variables)).ToList();
            case YamlScalarNode { Style: ScalarStyle.Plain, Value: "~" or "null" or "" }:
                return null;
            case YamlScalarNode sc:
                return ExpandEnvironment(sc.Value ?? "", variables);
            default:
                return null;
        }
    }

    /// <summary>
    /// Falco's substitution in configuration values: <c>${VAR}</c> becomes the variable's value (empty when unset) and
    /// <c>$${VAR}</c> is the literal text <c>${VAR}</c>. The names substituted are added to <paramref name="used"/>.
    /// </summary>
    public static string ExpandEnvironment(string value, List<string>? used = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Contains("${", StringComparison.Ordinal))
        {
            return value;
        }
        var sb = new StringBuilder();
        int i = 0;
        while (i < value.Length)
        {
            int start = value.IndexOf("${", i, StringComparison.Ordinal);
            int end = start < 0 ? -1 : value.IndexOf('}', start);
            if (start < 0 || end < 0)
            {
                sb.Append(value, i, value.Length - i);
                break;
            }
            if (start > i && value[start - 1] == '$')
            {
                // $${VAR}: the escape keeps the reference as text, less one '$'.
                sb.Append(value, i, start - 1 - i).Append(value, start, end + 1 - start);
                i = end + 1;
                continue;
            }
            sb.Append(value, i, start - i);
            string name = value[(start + 2)..end];
            used?.Add(name);
            sb.Append(Environment.GetEnvironmentVariable(name) ?? "");
            i = end + 1;
        }
        return sb.ToString();
    }

    /// <summary>Merges another file's tree with Falco's <c>append</c> strategy: maps merge recursively, lists append, scalars override.</summary>
    public void Merge(ConfigTree other) => Merge(other, ConfigMergeStrategy.Append);

    /// <summary>Merges another file's tree with one of Falco's <c>config_files</c> strategies.</summary>
    public void Merge(ConfigTree other, ConfigMergeStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach ((string key, object? value) in other._root)
        {
            bool exists = _root.ContainsKey(key);
            if (strategy == ConfigMergeStrategy.AddOnly && exists)
            {
                continue;
            }
            if (strategy == ConfigMergeStrategy.Override || !exists)
            {
                RemoveOrigins(key);
                _root[key] = value;
            }
            else
            {
                MergeMaps(_root, new Dictionary<string, object?>(StringComparer.Ordinal) { [key] = value });
            }
            foreach ((string path, ConfigOrigin origin) in other._origins)
            {
                if (path == key || path.StartsWith(key + ".", StringComparison.Ordinal))
                {
                    _origins[path] = origin;
                }
            }
        }
    }

    private void RemoveOrigins(string path)
    {
        foreach (string p in _origins.Keys.Where(p => p == path || p.StartsWith(path + ".", StringComparison.Ordinal)).ToList())
        {
            _origins.Remove(p);
        }
    }

    private static void MergeMaps(Dictionary<string, object?> into, Dictionary<string, object?> from)
    {
        foreach (KeyValuePair<string, object?> kv in from)
        {
            if (into.TryGetValue(kv.Key, out object? existing))
            {
                if (existing is Dictionary<string, object?> a && kv.Value is Dictionary<string, object?> b)
                {
                    MergeMaps(a, b);
                    continue;
                }
                if (existing is List<object?> la && kv.Value is List<object?> lb)
                {
                    la.AddRange(lb);
                    continue;
                }
            }
            into[kv.Key] = kv.Value;
        }
    }

    /// <summary>Applies one <c>-o key=value</c> override.</summary>
    public void ApplyOverride(string option)
    {
        int eq = IndexOfUnescaped(option, '=');
        if (eq <= 0)
        {
            throw new ConfigException($"-o {option}: expected key=value");
        }
        string key = option[..eq];
        string valueText = option[(eq + 1)..];
        object? value = ParseOverrideValue(valueText);
        List<PathSegment> path = ParsePath(key, option);
        RecordOverride(path, value, option);

        object container = _root;
        for (int i = 0; i < path.Count; i++)
        {
            PathSegment seg = path[i];
            bool last = i == path.Count - 1;
            var map = (Dictionary<string, object?>)container;
            if (seg.Index is null && !seg.Append)
            {
                if (last)
                {
                    map[seg.Key] = value;
                    return;
                }
                if (!map.TryGetValue(seg.Key, out object? next) || next is not Dictionary<string, object?>)
                {
                    next = new Dictionary<string, object?>(StringComparer.Ordinal);
                    map[seg.Key] = next;
                }
                container = next!;
                continue;
            }
            if (!map.TryGetValue(seg.Key, out object? listObj) || listObj is not List<object?> list)
            {
                list = [];
                map[seg.Key] = list;
            }
            int index;
            if (seg.Append)
            {
                list.Add(null);
                index = list.Count - 1;
            }
            else
            {
                index = seg.Index!.Value;
                if (index > list.Count)
                {
                    throw new ConfigException($"-o {option}: index {index} is past the end of {seg.Key} ({list.Count} items)");
                }
                if (index == list.Count)
                {
                    list.Add(null);
                }
            }
            if (last)
            {
                list[index] = value;
                return;
            }
            if (list[index] is not Dictionary<string, object?> child)
            {
                child = new Dictionary<string, object?>(StringComparer.Ordinal);
                list[index] = child;
            }
            container = child;
        }
    }

    private readonly record struct PathSegment(string Key, int? Index, bool Append);

    /// <summary>The override owns the map keys down to the first list segment, and everything under them.</summary>
    private void RecordOverride(List<PathSegment> path, object? value, string option)
    {
        var origin = new ConfigOrigin(ConfigOriginKind.Override, option, 0, []);
        string dotted = "";
        foreach (PathSegment seg in path)
        {
            dotted = dotted.Length == 0 ? seg.Key : dotted + "." + seg.Key;
            _origins[dotted] = origin;
            if (seg.Index is not null || seg.Append)
            {
                return;
            }
        }
        RemoveOrigins(dotted);
        _origins[dotted] = origin;
        if (value is Dictionary<string, object?> map)
        {
            foreach ((string p, _, _) in Walk(map, dotted))
            {
                _origins[p] = origin;
            }
        }
    }

    private static List<PathSegment> ParsePath(string key, string option)
    {
        var segments = new List<PathSegment>();
        var current = new StringBuilder();
        int i = 0;
        while (i < key.Length)
        {
            char c = key[i];
            if (c == '\\' && i + 1 < key.Length)
            {
                current.Append(key[i + 1]);
                i += 2;
                continue;
            }
            if (c == '.')
            {
                if (current.Length > 0)
                {
                    segments.Add(new PathSegment(current.ToString(), null, false));
                    current.Clear();
                }
                i++;
                continue;
            }
            if (c == '[')
            {
                int close = key.IndexOf(']', i);
                if (close < 0)
                {
                    throw new ConfigException($"-o {option}: missing ']' in key");
                }
                string inside = key[(i + 1)..close];
                string name = current.ToString();
                current.Clear();
                if (inside.Length == 0)
                {
                    segments.Add(new PathSegment(name, null, true));
                }
                else if (int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out int idx))
                {
                    segments.Add(new PathSegment(name, idx, false));
                }
                else
                {
                    throw new ConfigException($"-o {option}: list index '{inside}' is not a number");
                }
                i = close + 1;
                continue;
            }
            current.Append(c);
            i++;
        }
        if (current.Length > 0)
        {
            segments.Add(new PathSegment(current.ToString(), null, false));
        }
        if (segments.Count == 0)
        {
            throw new ConfigException($"-o {option}: empty key");
        }
        return segments;
    }

    private static int IndexOfUnescaped(string s, char c)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\')
            {
                i++;
                continue;
            }
            if (s[i] == c)
            {
                return i;
            }
        }
        return -1;
    }

    private static object? ParseOverrideValue(string text)
    {
        string trimmed = text.Trim();
        if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
        {
            try
            {
                using var doc = JsonDocument.Parse(trimmed);
                return FromJson(doc.RootElement);
            }
            catch (JsonException)
            {
                // Not JSON: fall through to a YAML value, as Falco does.
            }
            try
            {
                ConfigTree t = Parse("v: " + trimmed, "-o value");
                return t._root["v"];
            }
            catch (ConfigException)
            {
                return text;
            }
        }
        return text;
    }

    private static object? FromJson(JsonElement e) => e.ValueKind switch
    {
        // A repeated name keeps its last value, as in YAML merges (ToDictionary would throw on it; found by fuzzing).
        JsonValueKind.Object => e.EnumerateObject().Aggregate(new Dictionary<string, object?>(StringComparer.Ordinal),
            (map, p) => { map[p.Name] = FromJson(p.Value); return map; }),
        JsonValueKind.Array => e.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Null => null,
        _ => e.GetRawText(),
    };

    /// <summary>The node at a dotted path, or null.</summary>
    public object? Get(string dottedPath)
    {
        object? node = _root;
        foreach (string part in dottedPath.Split('.'))
        {
            if (node is not Dictionary<string, object?> map || !map.TryGetValue(part, out node))
            {
                return null;
            }
        }
        return node;
    }

    /// <summary>Whether a dotted key path is set.</summary>
    public bool Contains(string dottedPath) => Get(dottedPath) is not null;

    /// <summary>A scalar value as text, or <paramref name="fallback"/> when the key is absent.</summary>
    public string? GetString(string path, string? fallback = null) => Get(path) switch
    {
        null => fallback,
        string s => s,
        _ => throw new ConfigException($"configuration key {path}: expected a scalar value"),
    };

    /// <summary>A boolean (true/false, yes/no, on/off, 1/0), or <paramref name="fallback"/> when the key is absent.</summary>
    public bool GetBool(string path, bool fallback)
    {
        string? s = GetString(path);
        if (s is null)
        {
            return fallback;
        }
        return s.ToLowerInvariant() switch
        {
            "true" or "yes" or "on" or "1" => true,
            "false" or "no" or "off" or "0" => false,
            _ => throw new ConfigException($"configuration key {path}: '{s}' is not a boolean (true/false)"),
        };
    }

    /// <summary>An integer value, or <paramref name="fallback"/> when the key is absent; anything else is a configuration error.</summary>
    public long GetInt64(string path, long fallback) => GetNumber(path, fallback, NumberStyles.Integer, "an integer");

    /// <summary>A number value, or <paramref name="fallback"/> when the key is absent; anything else is a configuration error.</summary>
    public double GetDouble(string path, double fallback) => GetNumber(path, fallback, NumberStyles.Float, "a number");

    private T GetNumber<T>(string path, T fallback, NumberStyles styles, string expected) where T : INumberBase<T>
    {
        string? s = GetString(path);
        if (s is null)
        {
            return fallback;
        }
        return T.TryParse(s, styles, CultureInfo.InvariantCulture, out T? v)
            ? v
            : throw new ConfigException($"configuration key {path}: '{s}' is not {expected}");
    }

    /// <summary>A list of scalars; a single scalar counts as a one-item list.</summary>
    public IReadOnlyList<string>? GetStringList(string path) => Get(path) switch
    {
        null => null,
        string s => [s],
        List<object?> l => l.Select(x => x as string ?? throw new ConfigException($"configuration key {path}: expected a list of scalars")).ToList(),
        _ => throw new ConfigException($"configuration key {path}: expected a list"),
    };

    /// <summary>A list of maps (e.g. <c>rules:</c> enable/disable entries).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, object?>> GetMapList(string path) => Get(path) switch
    {
        null => [],
        List<object?> l => l.Select(x => x as Dictionary<string, object?> ?? throw new ConfigException($"configuration key {path}: expected a list of mappings")).ToList(),
        _ => throw new ConfigException($"configuration key {path}: expected a list"),
    };
}
