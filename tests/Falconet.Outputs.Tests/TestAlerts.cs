using Falconet.Core.Alerts;

namespace Falconet.Outputs.Tests;

internal static class TestAlerts
{
    public static Alert Make(int n, Priority priority = Priority.Warning) => new(
        1_700_000_000_000_000_000UL + (ulong)n, priority, "Rule " + n, "alert number " + n,
        "{\"proc.name\":\"p" + n + "\"}", "syscall", ["test"], "host");

    public static FormattedAlert Text(int n, Priority priority = Priority.Warning) =>
        new AlertFormatter(new AlertFormatOptions()).Format(Make(n, priority));

    public static FormattedAlert Json(int n) =>
        new AlertFormatter(new AlertFormatOptions { JsonOutput = true }).Format(Make(n));

    /// <summary>Waits for a signal that must come; the long limit only turns a hang into a failure.</summary>
    public static async Task Within(Task task)
    {
        await task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}

/// <summary>A sink that records what it gets and can be made to block or throw.</summary>
internal sealed class RecordingSink(string name) : IAlertSink
{
    private readonly object _gate = new();
    private readonly List<string> _messages = [];

    public SemaphoreSlim? Gate { get; init; }

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Throw { get; init; }

    public int Reopens { get; private set; }

    public string Name { get; } = name;

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    public void Emit(FormattedAlert alert)
    {
        Entered.TrySetResult();
        Gate?.Wait();
        if (Throw)
        {
            throw new IOException("sink " + Name + " is broken");
        }
        lock (_gate)
        {
            _messages.Add(alert.Message);
        }
    }

    public void Flush()
    {
    }

    public void Reopen()
    {
        lock (_gate)
        {
            _messages.Add("<reopen>");
        }
        Reopens++;
    }

    public void Dispose()
    {
    }
}

internal sealed class RecordingBatchedSink(string name) : IBatchedAlertSink
{
    public List<int> BatchSizes { get; } = [];

    public List<string> Messages { get; } = [];

    /// <summary>When set, only this many alerts of each batch are accepted.</summary>
    public int? AcceptPerBatch { get; init; }

    public string Name { get; } = name;

    public Task EmitBatchAsync(IReadOnlyList<FormattedAlert> batch, CancellationToken cancellationToken)
    {
        BatchSizes.Add(batch.Count);
        int accept = Math.Min(batch.Count, AcceptPerBatch ?? batch.Count);
        Messages.AddRange(batch.Take(accept).Select(a => a.Message));
        if (accept < batch.Count)
        {
            throw new AlertSinkException("partial", accept);
        }
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
