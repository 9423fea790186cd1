namespace Falconet.Host.Configuration;

/// <summary>How a <c>config_files</c> entry merges into the configuration loaded before it (Falco's strategies).</summary>
public enum ConfigMergeStrategy
{
    /// <summary><c>append</c> (the default): maps merge, sequences append, scalars override.</summary>
    Append,
    /// <summary><c>override</c>: each top-level key replaces the one before.</summary>
    Override,
    /// <summary><c>add-only</c>: only top-level keys not yet set are added.</summary>
    AddOnly,
}
