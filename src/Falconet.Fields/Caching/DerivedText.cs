using System.Runtime.CompilerServices;

namespace Falconet.Fields.Caching;

/// <summary>
/// Text derived from a value the state holds (a thread's cgroup array, an environment entry), kept beside that
/// value for as long as the state keeps it. The state replaces such values instead of changing them, so a new value
/// is a new key: nothing needs invalidating, and a value the state drops takes its derived text with it.
/// Thread-safe: several engines may share the state's objects.
/// </summary>
internal sealed class DerivedText<TKey>(Func<TKey, string> derive)
    where TKey : class
{
    private readonly ConditionalWeakTable<TKey, string> _texts = [];
    private readonly ConditionalWeakTable<TKey, string>.CreateValueCallback _create = key => derive(key);

    /// <summary>The text derived from <paramref name="key"/>, computed on first use.</summary>
    public string Get(TKey key) => _texts.TryGetValue(key, out string? text) ? text : _texts.GetValue(key, _create);
}
