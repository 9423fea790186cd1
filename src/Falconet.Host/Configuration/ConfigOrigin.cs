namespace Falconet.Host.Configuration;

/// <summary>Where a configuration value came from: the built-in file, a file and line, or a <c>-o</c> option.</summary>
/// <param name="Kind">built-in, file or -o.</param>
/// <param name="Source">The file's path (or built-in name), or the whole <c>-o key=value</c>.</param>
/// <param name="Line">1-based line in the file; 0 for <c>-o</c>.</param>
/// <param name="Environment">The variables <c>${VAR}</c> substituted into the value, if any.</param>
public sealed record ConfigOrigin(ConfigOriginKind Kind, string Source, int Line, IReadOnlyList<string> Environment)
{
    /// <summary><c>file:line</c>, or <c>-o key=value</c>, followed by the substituted variables.</summary>
    public override string ToString()
    {
        string where = Kind == ConfigOriginKind.Override ? "-o " + Source : $"{Source}:{Line}";
        return Environment.Count == 0 ? where : where + " (env " + string.Join(", ", Environment.Select(v => "${" + v + "}")) + ")";
    }
}
