namespace Falconet.Fields;

/// <summary>
/// The text the process fields join from a thread's comm, exe, args and env, kept in the thread's cache slot so a
/// string is built once per program rather than per event; the state engine drops it when those values change.
/// </summary>
internal sealed class ProcessTextCache : ThreadFieldCache
{
    /// <summary><c>proc.cmdline</c>.</summary>
    public string? Cmdline;

    /// <summary><c>proc.args</c>.</summary>
    public string? Args;

    /// <summary><c>proc.exeline</c>.</summary>
    public string? Exeline;

    /// <summary><c>proc.env</c>.</summary>
    public string? Env;
}
