namespace Falconet.Fields.Caching;

/// <summary>
/// The paths an extractor reads from events (a failed open has no fd to hold its name): decoded, resolved against
/// the working or directory fd's path, and cut to their directory, each made a string once per distinct value.
/// Bounded like <see cref="TextCache"/>; one per extractor.
/// </summary>
internal sealed class PathTexts
{
    private const int Capacity = 4096;

    private readonly TextCache _raw = new(Capacity);
    private readonly Dictionary<(string Directory, string Raw), string> _resolved = [];
    private readonly Dictionary<string, string> _directories = new(StringComparer.Ordinal);

    /// <summary>The path parameter's text (up to its NUL).</summary>
    public string Decode(ReadOnlySpan<byte> utf8) => _raw.GetUtf8(utf8);

    /// <summary><paramref name="raw"/> made absolute as <see cref="SystemState.ResolvePath"/> does.</summary>
    public string Resolve(SystemState state, ThreadInfo thread, long dirFd, string raw)
    {
        // The base directory is a string the state holds (the cwd or the directory fd's name).
        string directory = dirFd == WireConstants.AtFdCwd ? state.CwdOf(thread) : thread.Fds.Find(dirFd)?.Name ?? "";
        if (!_resolved.TryGetValue((directory, raw), out string? resolved))
        {
            if (_resolved.Count >= Capacity)
            {
                _resolved.Clear();
            }
            resolved = state.ResolvePath(thread, dirFd, raw);
            _resolved[(directory, raw)] = resolved;
        }
        return resolved;
    }

    /// <summary>The directory part of <paramref name="path"/>, as <see cref="FdInfo.DirectoryOf"/> gives it.</summary>
    public string DirectoryOf(string path)
    {
        if (!_directories.TryGetValue(path, out string? directory))
        {
            if (_directories.Count >= Capacity)
            {
                _directories.Clear();
            }
            directory = FdInfo.DirectoryOf(path);
            _directories[path] = directory;
        }
        return directory;
    }
}
