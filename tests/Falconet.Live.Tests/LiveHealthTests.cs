using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Falconet.Host;
using Falconet.TestKit;

namespace Falconet.Live.Tests;

/// <summary>
/// <c>/healthz</c> of a live run turns unhealthy when the ring buffer fails: a live run in this process, then the
/// ring buffer's epoll descriptor (the one watching the probe's <c>events</c> map) is replaced by <c>/dev/null</c>,
/// so the next <c>ring_buffer__poll</c> fails as a broken ring buffer would.
/// </summary>
public sealed partial class LiveHealthTests
{
    [LibraryImport("libc", SetLastError = true)]
    private static partial int dup2(int oldfd, int newfd);

    [Fact]
    public async Task Healthz_turns_unhealthy_when_the_ring_buffer_fails()
    {
        HostTools.SkipUnlessRootWithBtf();
        int port = FreeLoopbackPort();
        var stderr = new StringWriter();
        TextWriter errors = TextWriter.Synchronized(stderr);
        int afterStatus = 0;
        string afterBody = "";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var request = new RunRequest
        {
            Verbose = true,
            DurationSeconds = 300, // bounds a run the test fails to break
            Overrides = ["webserver.enabled=true", "webserver.listen_port=" + port, "dns.mode=observed", "stdout_output.enabled=false"],
            AfterSummary = uri =>
            {
                using HttpResponseMessage r = http.GetAsync(new Uri(uri!, "/healthz")).GetAwaiter().GetResult();
                afterStatus = (int)r.StatusCode;
                afterBody = r.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            },
        };
        int rc = -1;
        var run = new Thread(() => rc = FalconetCommands.Run(request, new ConsoleStreams(TextWriter.Null, errors, new MemoryStream()), CancellationToken.None));
        run.Start();

        var healthz = new Uri("http://127.0.0.1:" + port + "/healthz");
        DateTime limit = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            Assert.True(run.IsAlive, "the live run ended before it was healthy:\n" + stderr);
            Assert.True(DateTime.UtcNow < limit, "/healthz not 200 within 3 minutes:\n" + stderr);
            try
            {
                using HttpResponseMessage r = await http.GetAsync(healthz, TestContext.Current.CancellationToken);
                if (r.StatusCode == HttpStatusCode.OK)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        int[] ringBufferEpoll = [.. RingBufferEpollDescriptors()];
        Assert.True(ringBufferEpoll.Length == 1, "expected one epoll descriptor watching a BPF map, found " + ringBufferEpoll.Length);
        using (FileStream devNull = File.OpenRead("/dev/null"))
        {
            Assert.True(dup2((int)devNull.SafeFileHandle.DangerousGetHandle(), ringBufferEpoll[0]) >= 0, "dup2 failed: " + Marshal.GetLastPInvokeError());
        }

        Assert.True(run.Join(TimeSpan.FromMinutes(2)), "the live run did not end within 2 minutes of the ring-buffer failure:\n" + stderr);
        Assert.Equal(1, rc);
        Assert.Contains("falconet: live capture failed: reading the ring buffer failed", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(503, afterStatus);
        Assert.Contains("\"failed\"", afterBody, StringComparison.Ordinal);
        Assert.Contains("ring buffer", afterBody, StringComparison.Ordinal);
    }

    /// <summary>This process's epoll descriptors that watch a BPF map: libbpf's ring buffer is the only such one.</summary>
    private static IEnumerable<int> RingBufferEpollDescriptors()
    {
        foreach (string fdPath in Directory.EnumerateFiles("/proc/self/fd"))
        {
            int fd = int.Parse(Path.GetFileName(fdPath), System.Globalization.CultureInfo.InvariantCulture);
            if (Target(fd) != "anon_inode:[eventpoll]")
            {
                continue;
            }
            string info;
            try
            {
                info = File.ReadAllText("/proc/self/fdinfo/" + fd);
            }
            catch (IOException)
            {
                continue;
            }
            // fdinfo of an epoll descriptor: one "tfd: N events: …" line per watched descriptor.
            bool watchesMap = info.Split('\n')
                .Where(l => l.StartsWith("tfd:", StringComparison.Ordinal))
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])
                .Any(t => int.TryParse(t, out int watched) && Target(watched) == "anon_inode:bpf-map");
            if (watchesMap)
            {
                yield return fd;
            }
        }
    }

    private static string? Target(int fd)
    {
        try
        {
            return new FileInfo("/proc/self/fd/" + fd).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static int FreeLoopbackPort()
    {
        using TcpListener probe = new(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
