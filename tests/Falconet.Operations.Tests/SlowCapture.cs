using System.Net;
using Falconet.Core.Events;
using Falconet.Core.Snapshot;

namespace Falconet.Operations.Tests;

/// <summary>
/// A generated capture of <c>socket</c> exits by one process, cut into its header and its event blocks so a test can
/// feed it to <c>falconet -e -</c> a piece at a time: a replay exactly as slow as the test wants.
/// </summary>
internal sealed class SlowCapture
{
    public const long Pid = 3000;

    private SlowCapture(byte[] header, List<byte[]> events)
    {
        Header = header;
        Events = events;
    }

    public byte[] Header { get; }

    /// <summary>Each event's block, in order; event N (1-based, as evt.num) is Events[N-1].</summary>
    public List<byte[]> Events { get; }

    public static SlowCapture Create(string scratchPath, int events)
    {
        using (ScapWriter writer = ScapWriter.Create(scratchPath, compress: false))
        {
            var snapshot = new ScapSnapshot { Machine = new MachineInfo(2, 4UL << 30, 4_194_304, "falconet-test", 1) };
            snapshot.Interfaces.Add(new InterfaceAddress("lo", IPAddress.Loopback, IPAddress.Parse("255.0.0.0"), IPAddress.Any, 0));
            snapshot.Threads.Add(new ThreadRecord
            {
                Tid = Pid, Pid = Pid, ParentTid = 1, Comm = "worker", Exe = "worker", ExePath = "/usr/bin/worker",
                Cwd = "/", Sid = Pid, Vpgid = Pid, Vtid = Pid, Vpid = Pid, FdLimit = 1 << 20,
            });
            writer.WriteHeader(snapshot);
            ulong ts = 1_764_000_000_000_000_000;
            for (int i = 0; i < events; i++)
            {
                ScapEvent e = EventBuilder.SocketExit(ts += 1_000_000, Pid, 3 + i);
                writer.WriteEvent(e);
            }
        }
        byte[] bytes = File.ReadAllBytes(scratchPath);
        var starts = new List<long>();
        using (var reader = new ScapReader(new MemoryStream(bytes), "plain"))
        {
            reader.ReadHeader(new ScapSnapshot());
            var evt = new ScapEvent();
            long start = reader.Position;
            while (reader.TryReadEvent(evt))
            {
                starts.Add(start);
                start = reader.Position;
            }
        }
        starts.Add(bytes.Length);
        List<byte[]> blocks = [.. Enumerable.Range(0, starts.Count - 1).Select(i => bytes[(int)starts[i]..(int)starts[i + 1]])];
        return new SlowCapture(bytes[..(int)starts[0]], blocks);
    }
}
