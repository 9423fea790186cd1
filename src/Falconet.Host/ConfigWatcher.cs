namespace Falconet.Host;

/// <summary>
/// <c>watch_config_files</c>: watches the configuration file and the rules files and directories; a change (write,
/// create, delete, rename), after half a second without further changes, requests a reload as SIGHUP does.
/// </summary>
internal sealed class ConfigWatcher : IDisposable
{
    private static readonly TimeSpan s_debounce = TimeSpan.FromMilliseconds(500);
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly Timer _debounce;
    private string _changed = "";

    public ConfigWatcher(string? configFile, IReadOnlyList<string> rulesPaths, ReloadTrigger trigger, TextWriter error)
    {
        _debounce = new Timer(_ => trigger.Request("watch_config_files: " + Volatile.Read(ref _changed) + " changed"));
        foreach (string path in (configFile is null ? rulesPaths : [configFile, .. rulesPaths]).Where(p => !EmbeddedDefaults.IsBuiltinRulesName(p)))
        {
            string full = Path.GetFullPath(path);
            try
            {
                FileSystemWatcher watcher = Directory.Exists(full)
                    ? new FileSystemWatcher(full)
                    : new FileSystemWatcher(Path.GetDirectoryName(full)!, Path.GetFileName(full));
                watcher.NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.DirectoryName;
                watcher.Changed += (_, e) => OnChange(e.FullPath);
                watcher.Created += (_, e) => OnChange(e.FullPath);
                watcher.Deleted += (_, e) => OnChange(e.FullPath);
                watcher.Renamed += (_, e) => OnChange(e.FullPath);
                watcher.EnableRaisingEvents = true;
                _watchers.Add(watcher);
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"falconet: warning: watch_config_files: cannot watch {path}: {e.Message}");
            }
        }
    }

    private void OnChange(string path)
    {
        Volatile.Write(ref _changed, path);
        _debounce.Change(s_debounce, Timeout.InfiniteTimeSpan);
    }

    public void Dispose()
    {
        foreach (FileSystemWatcher watcher in _watchers)
        {
            watcher.Dispose();
        }
        _debounce.Dispose();
    }
}
