using System.Collections.Concurrent;
using Falconet.Core.Events;

namespace Falconet.State;

/// <summary>
/// Where each parameter of a current event layout sits in another layout of the same syscall (an old layout, or the
/// enter event), matched by name once per pair of event types instead of by string search on every conversion.
/// </summary>
internal static class LayoutMap
{
    private static readonly ConcurrentDictionary<int, sbyte[]> s_maps = new();

    /// <summary>
    /// For each parameter of <paramref name="target"/>, its index in <paramref name="from"/>'s layout, -1 when absent.
    /// With <paramref name="oldFdFromFd"/>, a target <c>oldfd</c> missing in <paramref name="from"/> comes from its
    /// <c>fd</c> (dup's enter events name the argument fd).
    /// </summary>
    public static ReadOnlySpan<sbyte> Get(ushort from, ushort target, bool oldFdFromFd)
    {
        int key = (from << 17) | (target << 1) | (oldFdFromFd ? 1 : 0);
        return s_maps.GetOrAdd(key, static k => Build((ushort)(k >> 17), (ushort)((k >> 1) & 0xffff), (k & 1) != 0));
    }

    private static sbyte[] Build(ushort from, ushort target, bool oldFdFromFd)
    {
        EventInfo fromInfo = EventTable.Get(from);
        IReadOnlyList<ParamInfo> parameters = EventTable.Get(target).Parameters;
        var map = new sbyte[parameters.Count];
        for (int i = 0; i < parameters.Count; i++)
        {
            int index = fromInfo.IndexOfParam(parameters[i].Name);
            if (index < 0 && oldFdFromFd && parameters[i].Name == "oldfd")
            {
                index = fromInfo.IndexOfParam("fd");
            }
            map[i] = (sbyte)index;
        }
        return map;
    }
}
