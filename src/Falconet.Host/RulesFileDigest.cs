namespace Falconet.Host;

/// <summary>A loaded rules file and the SHA-256 of its text, for <c>/versions</c> and <c>/metrics</c> (as Falco's <c>sha256_rules_files_info</c>).</summary>
/// <param name="Name">The file's path, or its built-in name.</param>
/// <param name="Sha256">Lower-case hex digest of its bytes.</param>
public sealed record RulesFileDigest(string Name, string Sha256);
