using Falconet.Core.Events;

namespace Falconet.State;

/// <summary>
/// Where each parameter of a current event layout sits in another layout of the same syscall (an old layout, or the
/// enter event), matched by name once per pair of event types instead of by string search on every conversion.
/// </summary>
internal static class LayoutMap
{
    // [from][target * 2 + oldFdFromFd], filled on first use. Read on every converted event, so a plain array: two
    // threads building the same map at once store equal, immutable arrays, which is harmless.
    private static readonly sbyte[]?[]?[] s_maps = new sbyte[]?[]?[EventTable.EventMax];

    /// <summary>
    /// For each parameter of <paramref name="target"/>, its index in <paramref name="from"/>'s layout, -1 when absent.
    /// With <paramref name="oldFdFromFd"/>, a target <c>oldfd</c> missing in <paramref name="from"/> comes from its
    /// <c>fd</c> (dup's enter events name the argument fd).
    /// </summary>
    public static ReadOnlySpan<sbyte> Get(ushort from, ushort target, bool oldFdFromFd)
    {
        sbyte[]?[] row = s_maps[from] ??= new sbyte[]?[EventTable.EventMax * 2];
        int slot = (target * 2) + (oldFdFromFd ? 1 : 0);
        return row[slot] ??= Build(from, target, oldFdFromFd);
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
