namespace Falconet.TestKit;

/// <summary>
/// Paths into the shared reference data (<c>../shared</c> beside the repository), used in place and never copied.
/// Tests that need it call <see cref="SkipIfAbsent"/> so a fresh clone without it still passes, with the reason shown
/// (under CI=true, where it is always beside the clone, its absence fails instead).
/// </summary>
public static class SharedData
{
    public const string AbsentReason = "../shared (reference captures, rules and Falco's expected output) is absent beside the repository";

    /// <summary>The repository root: the folder holding Falconet.slnx.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The shared folder; FALCONET_SHARED overrides the default <c>../shared</c>.</summary>
    public static string Root { get; } = Environment.GetEnvironmentVariable("FALCONET_SHARED") is { Length: > 0 } env
        ? Path.GetFullPath(env)
        : Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));

    public static bool IsAvailable => Directory.Exists(Path.Combine(Root, "captures"));

    /// <summary>The seven reference captures, by file name without extension.</summary>
    public static IReadOnlyList<string> CaptureNames { get; } =
        ["cat_write", "connect_localhost", "curl_google", "empty", "open-multiple-files", "syscall", "test_ipv6_client"];

    public static string Capture(string name) => Path.Combine(Root, "captures", name + ".scap");

    public static string Rules(string fileName) => Path.Combine(Root, "rules", fileName);

    public static string Expected(string folder, string fileName) => Path.Combine(Root, "expected", folder, fileName);

    public static string Data(string fileName) => Path.Combine(Root, "data", fileName);

    public static void SkipIfAbsent() => Oracle.Require(IsAvailable, AbsentReason);

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Falconet.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Falconet.slnx not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A temporary folder deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "falconet-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
