namespace Falconet.Host.Configuration;

/// <summary>The kinds of places a configuration value comes from.</summary>
public enum ConfigOriginKind
{
    /// <summary>The configuration built into the binary.</summary>
    BuiltIn,
    /// <summary>A configuration file (<c>-c</c> or one of <c>config_files</c>).</summary>
    File,
    /// <summary>A <c>-o key=value</c> option.</summary>
    Override,
}
