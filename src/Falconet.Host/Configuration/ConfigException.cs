using System.Globalization;
using System.Text;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Falconet.Host.Configuration;

/// <summary>A configuration error the user can fix: names the file or option and what is wrong.</summary>
public sealed class ConfigException(string message) : Exception(message);
