using Falconet.Core.Text;
using Falconet.Fields;

namespace Falconet.Rules.Loading;

/// <summary>
/// Loads Falco rules files: YAML reading with positions, appends/overrides across files, list/macro
/// resolution, exceptions, condition checks, and Falco's load result (codes, warnings, text and JSON).
/// </summary>
public static class RulesLoader
{
    /// <summary>
    /// Loads files and directories in order (directories: their <c>*.yaml</c>/<c>*.yml</c> files in name order).
    /// Later files may append to or override earlier ones. Stops at the first file with an error.
    /// </summary>
    public static LoadResult Load(IReadOnlyList<string> paths, FieldRegistry? fields = null, RulesLoaderOptions? options = null)
    {
        var sources = new List<(string Name, string? Content, string? ReadError)>();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (string file in Directory.EnumerateFiles(path)
                    .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
                    .Order(StringComparer.Ordinal))
                {
                    sources.Add(Read(file));
                }
            }
            else
            {
                sources.Add(Read(path));
            }
        }
        return LoadSources(sources, fields ?? FieldRegistry.Default, options ?? new RulesLoaderOptions());
    }

    /// <summary>Loads rules given as text (name → content), in order, as if they were files.</summary>
    public static LoadResult LoadText(IReadOnlyList<(string Name, string Content)> files, FieldRegistry? fields = null, RulesLoaderOptions? options = null) =>
        LoadSources(files.Select(f => (f.Name, (string?)f.Content, (string?)null)).ToList(), fields ?? FieldRegistry.Default, options ?? new RulesLoaderOptions());

    /// <summary>Loads one rules text.</summary>
    public static LoadResult LoadText(string name, string content, FieldRegistry? fields = null, RulesLoaderOptions? options = null) =>
        LoadText([(name, content)], fields, options);

    private static (string, string?, string?) Read(string path)
    {
        try
        {
            return (path, Utf8TextFile.Read(path), null);
        }
        catch (InvalidDataException e)
        {
            return (path, null, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (path, null, e.Message);
        }
    }

    private static LoadResult LoadSources(List<(string Name, string? Content, string? ReadError)> sources, FieldRegistry fields, RulesLoaderOptions options)
    {
        var contents = new Dictionary<string, string>(StringComparer.Ordinal);
        var collector = new RuleCollector();
        var results = new List<FileLoadResult>();
        RuleSet? ruleSet = null;
        foreach ((string name, string? content, string? readError) in sources)
        {
            var result = new FileLoadResult(name, contents);
            results.Add(result);
            if (content is null)
            {
                result.Add(LoadDiagnostic.Error(LoadErrorCode.FileRead, $"Could not read rules file {name}: {readError}", LoadContext.ForFile(name)));
                ruleSet = null;
                break;
            }
            contents[name] = content;
            var reader = new RulesFileReader(collector, result, fields, options.KnownSources, name, content);
            // Every file recompiles everything collected so far, so a later file can change earlier items.
            ruleSet = reader.Read() ? new RuleCompiler(collector, result, fields, options.ConditionOptions).Compile() : null;
            if (ruleSet is null)
            {
                break;
            }
        }
        if (ruleSet is not null)
        {
            CheckPluginRequirements(ruleSet, options.Plugins, results[^1]);
        }
        bool success = results.All(r => r.Success);
        return new LoadResult(results, success && ruleSet is not null ? ruleSet : RuleSet.Empty);
    }

    private static void CheckPluginRequirements(RuleSet ruleSet, IReadOnlyDictionary<string, string> plugins, FileLoadResult result)
    {
        foreach (PluginRequirement requirement in ruleSet.PluginRequirements)
        {
            PluginVersionRequirement? match = requirement.Alternatives.FirstOrDefault(a => plugins.ContainsKey(a.Name));
            if (match is null)
            {
                string names = string.Join(", ", requirement.Alternatives.Select(a => $"{a.Name} (>= {a.Version})"));
                result.Add(LoadDiagnostic.Error(LoadErrorCode.Validate, $"Plugin requirement not satisfied, must load one of: {names}", requirement.Context));
                continue;
            }
            string loaded = plugins[match.Name];
            if (!EngineVersion.TryParse(loaded, out EngineVersion have) || !EngineVersion.TryParse(match.Version, out EngineVersion need)
                || !have.IsCompatibleWith(need))
            {
                result.Add(LoadDiagnostic.Error(LoadErrorCode.Validate,
                    $"Plugin '{match.Name}' version '{loaded}' is not compatible with required plugin version '{match.Version}'", requirement.Context));
            }
        }
    }
}
