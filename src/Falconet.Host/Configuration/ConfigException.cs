namespace Falconet.Host.Configuration;

/// <summary>A configuration error the user can fix: names the file or option and what is wrong.</summary>
public sealed class ConfigException(string message) : Exception(message);
