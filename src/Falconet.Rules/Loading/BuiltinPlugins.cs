namespace Falconet.Rules.Loading;

/// <summary>
/// Plugins whose fields Falconet provides itself. The official rules require the <c>container</c> plugin;
/// Falconet's own container fields stand in for it, so it reports a compatible built-in provider.
/// </summary>
public static class BuiltinPlugins
{
    /// <summary>The name the official rules require.</summary>
    public const string ContainerName = "container";

    /// <summary>The container plugin version whose fields Falconet provides (shown by the host).</summary>
    public const string ContainerVersion = "0.4.0";

    /// <summary>All built-in providers: name → version.</summary>
    public static IReadOnlyDictionary<string, string> All { get; } =
        new Dictionary<string, string>(StringComparer.Ordinal) { [ContainerName] = ContainerVersion };
}
