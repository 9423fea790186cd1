namespace Falconet.Outputs.Sinks;

/// <summary>
/// A sink that writes one line per alert into a target it opens on demand (a file, a program's stdin), with
/// Falco's <c>keep_alive</c> (keep the target open between alerts) and buffered-output semantics. A write error
/// drops the target so that the next alert opens it again.
/// </summary>
/// <typeparam name="TTarget">The opened target.</typeparam>
public abstract class ReopenableLineSink<TTarget> : IAlertSink
    where TTarget : class
{
    private readonly bool _buffered;
    private readonly bool _keepAlive;
    private TTarget? _target;

    /// <summary>Checks the options (the target must be named) and takes <c>buffered_outputs</c> and <c>keep_alive</c>.</summary>
    protected ReopenableLineSink(LineOutputOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Target))
        {
            throw new ArgumentException(options.TargetKey + " is empty", nameof(options));
        }
        _buffered = options.Buffered;
        _keepAlive = options.KeepAlive;
    }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public void Emit(FormattedAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        TTarget target = _target ??= Open();
        try
        {
            Stream stream = StreamOf(target);
            stream.Write(alert.Utf8.Span);
            stream.WriteByte((byte)'\n');
            if (!_buffered || !_keepAlive)
            {
                stream.Flush();
            }
        }
        catch (IOException)
        {
            // A failed write leaves the target unusable (closed file, exited program).
            Close();
            throw;
        }
        if (!_keepAlive)
        {
            Close();
        }
    }

    /// <inheritdoc />
    public void Flush()
    {
        if (_target is not null)
        {
            StreamOf(_target).Flush();
        }
    }

    /// <summary>Closes the target; the next alert opens it again (SIGUSR1).</summary>
    public void Reopen() => Close();

    /// <inheritdoc />
    public void Dispose()
    {
        Close();
        GC.SuppressFinalize(this);
    }

    /// <summary>Opens the target; throws <see cref="IOException"/> with a message naming the configuration key.</summary>
    protected abstract TTarget Open();

    /// <summary>The stream alert lines go to.</summary>
    protected abstract Stream StreamOf(TTarget target);

    /// <summary>Releases a target that is no longer used.</summary>
    protected abstract void CloseTarget(TTarget target);

    private void Close()
    {
        TTarget? target = _target;
        _target = null;
        if (target is not null)
        {
            CloseTarget(target);
        }
    }
}
