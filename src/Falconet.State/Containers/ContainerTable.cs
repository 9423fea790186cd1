using System.Collections.Concurrent;
using Falconet.Core.Events;

namespace Falconet.State.Containers;

/// <summary>
/// Container metadata by short container id: the container plugin's cache. Filled from capture container events
/// (<c>CONTAINER_E</c>, <c>CONTAINER_JSON_E</c>, <c>CONTAINER_JSON_2_E</c>, and the plugin's <c>container</c> /
/// <c>container_removed</c> async events) and, in live capture, from an <see cref="IContainerMetadataSource"/>.
/// Only the event thread reads and writes the table; sources post through <see cref="IContainerMetadataSink"/>.
/// </summary>
public sealed class ContainerTable : IContainerMetadataSink
{
    /// <summary>Most diagnostics kept; a capture with thousands of bad records needs only the first few.</summary>
    public const int MaxDiagnostics = 100;

    private const ushort ContainerEvent = 228;
    private const ushort ContainerJsonEvent = 272;
    private const ushort ContainerJson2Event = 324;
    private const ushort AsyncEvent = 402;

    private readonly Dictionary<string, ContainerInfo> _containers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(ContainerInfo? Added, string? RemovedId)> _posted = new();
    private bool _hasPosted;
    private readonly HashSet<string> _requested = new(StringComparer.Ordinal);
    private readonly List<string> _diagnostics = [];

    /// <summary>The live metadata source, if any (none when reading a capture).</summary>
    public IContainerMetadataSource? Source { get; set; }

    /// <summary>Number of known containers (the host entry not counted).</summary>
    public int Count => _containers.Count;

    /// <summary>Every known container (the host entry not included).</summary>
    public IEnumerable<ContainerInfo> All => _containers.Values;

    /// <summary>Container records that could not be read, with the event number; at most <see cref="MaxDiagnostics"/>.</summary>
    public IReadOnlyList<string> Diagnostics => _diagnostics;

    /// <summary>Number of container records that could not be read (all of them, not only those kept).</summary>
    public int MalformedCount { get; private set; }

    /// <summary>
    /// The container the last container event added or removed, so that event's own fields describe it (its thread
    /// is not in the container). Valid only while <see cref="LastEventNumber"/> is the current event's number.
    /// </summary>
    public ContainerInfo? LastEventContainer { get; private set; }

    /// <summary>The number of the event that set <see cref="LastEventContainer"/>.</summary>
    public ulong LastEventNumber { get; private set; }

    /// <summary>Whether an event type carries container metadata for this table.</summary>
    public static bool IsContainerEvent(ushort type) => type is ContainerEvent or ContainerJsonEvent or ContainerJson2Event or AsyncEvent;

    /// <summary>
    /// The container metadata events of the driver's old layouts (container, container JSON): Falco 0.44.1 hands them
    /// to its container plugin and its rules never see them (measured on open-multiple-files.scap).
    /// </summary>
    public static bool IsLegacyContainerEvent(ushort type) => type is ContainerEvent or ContainerJsonEvent or ContainerJson2Event;

    /// <summary>
    /// The metadata for a thread's container id: <see cref="ContainerInfo.Host"/> for "" (a host process), null
    /// for a container nothing has described yet.
    /// </summary>
    public ContainerInfo? Find(string containerId)
    {
        if (containerId.Length == 0)
        {
            return ContainerInfo.Host;
        }
        return _containers.TryGetValue(containerId, out ContainerInfo? info) ? info : null;
    }

    /// <summary>Adds or replaces a container (event thread only).</summary>
    public void Add(ContainerInfo container)
    {
        _containers[container.Id] = container;
        _requested.Remove(container.Id);
    }

    /// <summary>Forgets a container (event thread only).</summary>
    public bool Remove(string containerId)
    {
        _requested.Remove(containerId);
        return _containers.Remove(containerId);
    }

    /// <inheritdoc />
    public void Post(ContainerInfo container)
    {
        _posted.Enqueue((container, null));
        Volatile.Write(ref _hasPosted, true);
    }

    /// <inheritdoc />
    public void PostRemoval(string containerId)
    {
        _posted.Enqueue((null, containerId));
        Volatile.Write(ref _hasPosted, true);
    }

    /// <summary>Applies what sources posted since the last event (called by the state engine before each event).</summary>
    internal void ApplyPosted()
    {
        // Checked before every event: one volatile read instead of a dequeue attempt while nothing was posted.
        if (!Volatile.Read(ref _hasPosted))
        {
            return;
        }
        // Cleared before draining: a post racing with the drain sets it again and is applied at the next event.
        Volatile.Write(ref _hasPosted, false);
        while (_posted.TryDequeue(out (ContainerInfo? Added, string? RemovedId) update))
        {
            if (update.Added is not null)
            {
                Add(update.Added);
            }
            else if (update.RemovedId is not null)
            {
                Remove(update.RemovedId);
            }
        }
    }

    /// <summary>
    /// A process of <paramref name="containerId"/> appeared (clone, execve): asks the source once for metadata
    /// the table does not have.
    /// </summary>
    internal void OnContainerProcess(string containerId)
    {
        if (containerId.Length == 0 || Source is null || _containers.ContainsKey(containerId) || !_requested.Add(containerId))
        {
            return;
        }
        Source.Request(containerId, this);
    }

    /// <summary>Reads a container event into the table. A malformed record is skipped and noted in <see cref="Diagnostics"/>.</summary>
    public void ParseEvent(ScapEvent evt)
    {
        try
        {
            switch (evt.Type)
            {
                case ContainerEvent:
                    AddFromEvent(evt, new ContainerInfo
                    {
                        Id = evt.GetString(0),
                        Type = evt.TryGetUInt64(1, out ulong type) && type <= ushort.MaxValue ? (ContainerType)(ushort)type : ContainerType.Unknown,
                        Name = evt.GetString(2),
                        Image = evt.GetString(3),
                    });
                    break;
                case ContainerJsonEvent:
                case ContainerJson2Event:
                    if (evt.GetParam(0).Length == 0)
                    {
                        Note(evt, "container event without JSON");
                        return;
                    }
                    AddFromEvent(evt, ContainerJson.Parse(evt.GetParam(0)));
                    break;
                case AsyncEvent:
                    ParseAsyncEvent(evt);
                    break;
            }
        }
        catch (ContainerMetadataException e)
        {
            Note(evt, e.Message);
        }
    }

    private void ParseAsyncEvent(ScapEvent evt)
    {
        // The container plugin names its async events "container" (added) and "container_removed"; other
        // plugins' async events are not ours.
        ReadOnlySpan<byte> name = evt.GetStringBytes(1);
        bool added = name.SequenceEqual("container"u8);
        if (!added && !name.SequenceEqual("container_removed"u8))
        {
            return;
        }
        ContainerInfo info = ContainerJson.Parse(evt.GetParam(2));
        LastEventContainer = info;
        LastEventNumber = evt.Number;
        if (added)
        {
            Add(info);
        }
        else
        {
            Remove(info.Id);
        }
    }

    private void AddFromEvent(ScapEvent evt, ContainerInfo info)
    {
        Add(info);
        LastEventContainer = info;
        LastEventNumber = evt.Number;
    }

    private void Note(ScapEvent evt, string message)
    {
        MalformedCount++;
        if (_diagnostics.Count < MaxDiagnostics)
        {
            _diagnostics.Add($"event {evt.Number} ({evt.Info.Name}): {message}");
        }
    }
}
