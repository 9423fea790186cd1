using Falconet.Core.Events;

namespace Falconet.State;

/// <summary>
/// Reads the parameters the parsers use, by <see cref="Param"/>, through the string and list caches so recurring
/// names, command lines and environments are not decoded again.
/// </summary>
internal sealed class ParamReader
{
    private readonly Utf8StringCache _strings = new();
    private readonly NulListCache _lists;

    public ParamReader()
    {
        _lists = new NulListCache(_strings);
    }

    /// <summary>An integer parameter, <paramref name="fallback"/> when the layout or the event lacks it.</summary>
    public static long Int(ScapEvent evt, Param param, long fallback)
    {
        int index = ParamIndex.Of(evt.Type, param);
        return index >= 0 && evt.TryGetInt64(index, out long value) ? value : fallback;
    }

    /// <summary>Whether the event carries <paramref name="param"/>.</summary>
    public static bool Has(ScapEvent evt, Param param) => evt.HasParam(ParamIndex.Of(evt.Type, param));

    /// <summary>A string parameter without its NUL, through the string cache ("" when absent).</summary>
    public string String(ScapEvent evt, Param param) => _strings.Get(evt.GetStringBytes(ParamIndex.Of(evt.Type, param)));

    /// <summary>
    /// A NUL-separated list parameter (args, env, cgroups) as strings; <paramref name="current"/> itself when it
    /// holds the same items (a child's cgroups and env are usually its parent's), else an equal array seen before
    /// (<see cref="NulListCache"/>), so nothing is allocated then.
    /// </summary>
    public string[] List(ScapEvent evt, Param param, string[]? current)
    {
        int index = ParamIndex.Of(evt.Type, param);
        ReadOnlySpan<byte> p = index >= 0 ? evt.GetParam(index) : default;
        if (!p.IsEmpty && p[^1] == 0)
        {
            p = p[..^1];
        }
        return _lists.Get(p, current);
    }
}
