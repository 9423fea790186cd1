namespace Falconet.State;

/// <summary>
/// Base of the values a reader of the state (field extraction) derives from a <see cref="ThreadInfo"/> and keeps
/// with it (<see cref="ThreadInfo.CacheOf{T}"/>). The reader defines what it holds; the state engine only drops it
/// when the thread's comm, exe, args or env change.
/// </summary>
public abstract class ThreadFieldCache
{
}
