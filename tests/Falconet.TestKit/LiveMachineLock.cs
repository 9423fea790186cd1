namespace Falconet.TestKit;

/// <summary>
/// Held for the whole run of a test assembly that uses the machine's kernel (eBPF capture, network namespaces),
/// so that two such assemblies (Falconet.Live.Tests and Falconet.Capture.Bpf.Tests, or two runs of them) never run
/// at once: a capture then sees only its own load, and deadlines such as "alert within 2 s" are measured on a
/// machine that no other live test is loading. Register it with <c>[assembly: AssemblyFixture(typeof(LiveMachineLock))]</c>.
/// </summary>
public sealed class LiveMachineLock : IDisposable
{
    /// <summary>The lock file; an exclusive open of it is an advisory lock (flock) that the kernel drops if the holder dies.</summary>
    public static string LockPath { get; } = Path.Combine(Path.GetTempPath(), "falconet-live-tests.lock");

    private readonly FileStream _lock;

    /// <summary>Waits for the lock, as long as it takes: another live run ends in minutes.</summary>
    public LiveMachineLock()
    {
        while (true)
        {
            try
            {
                _lock = new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return;
            }
            catch (IOException)
            {
                Thread.Sleep(500);
            }
        }
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _lock.Dispose();
}
