using System.Text;
using System.Text.Json;
using Falconet.Core.Events;
using Falconet.Fields;
using Falconet.Fields.OutputFormats;
using Falconet.Scap;
using Falconet.State;

namespace Falconet.Host;

/// <summary>
/// <c>falconet inspect</c>: every event of a capture that Falco would evaluate (exit and meta events, after the
/// state engine has seen it), printed with a sysdig-style format. People use it to look into a capture; the tests
/// use it as the event-level view of our decoder and state.
/// </summary>
public static class InspectCommand
{
    /// <summary>sysdig's default columns, minus the ones that only make sense live.</summary>
    public const string DefaultFormat = "*%evt.num %evt.time %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.args";

    /// <summary>Above this size a replay shows progress on stderr.</summary>
    private const long ProgressThresholdBytes = 8 * 1024 * 1024;

    /// <summary>
    /// What sysdig lists: what rules see, minus internal events (procinfo: sysdig hides them without -D), plus the
    /// old container metadata events, which sysdig lists and Falco's rules never see.
    /// </summary>
    private static bool Shown(bool seenByRules, ScapEvent evt) => seenByRules
        ? (evt.Info.Category & EventCategory.Internal) == 0
        : !evt.IsStateOnly && Falconet.State.Containers.ContainerTable.IsLegacyContainerEvent(evt.Type);

    /// <summary>Prints the capture's events (text, <c>-p</c> format or JSON), optionally filtered; returns the exit code.</summary>
    public static int Run(InspectRequest request, ConsoleStreams console, CancellationToken cancellation)
    {
        string formatText = request.Format ?? DefaultFormat;
        OutputFormat format;
        try
        {
            format = OutputFormat.Parse(formatText, FieldRegistry.Default);
        }
        catch (OutputFormatException e)
        {
            throw new UserFacingException($"invalid format '{formatText}': {e.Message}");
        }
        Func<EventContext, bool>? filter = request.Filter is null ? null : ConditionFilter.Compile(request.Filter);

        ScapReader reader = OpenCapture(request.CapturePath);
        using (reader)
        {
            var state = new SystemState();
            long printed = 0;
            var progress = new ProgressReporter(console.Error, "inspect", reader.Length > ProgressThresholdBytes);
            var evt = new ScapEvent();
            using var json = new MemoryStream();
            using var jsonWriter = new Utf8JsonWriter(json);
            try
            {
                reader.ReadHeader(state);
                while (!cancellation.IsCancellationRequested && reader.TryReadEvent(evt))
                {
                    if ((evt.Number & ProgressReporter.EventMask) == 0)
                    {
                        progress.Report(evt.Number, reader.Progress);
                    }
                    if (!Shown(state.Process(evt), evt))
                    {
                        continue;
                    }
                    if (request.FileNumbers)
                    {
                        evt.Number = evt.SourceIndex;
                    }
                    EventContext context = state.Context;
                    if (filter is not null && !filter(context))
                    {
                        continue;
                    }
                    if (request.Json)
                    {
                        json.SetLength(0);
                        jsonWriter.Reset(json);
                        format.WriteFields(jsonWriter, context);
                        jsonWriter.Flush();
                        console.Out.WriteLine(Encoding.UTF8.GetString(json.GetBuffer(), 0, (int)json.Length));
                    }
                    else if (format.TryRenderText(context, out string? line))
                    {
                        console.Out.WriteLine(line);
                    }
                    else
                    {
                        continue; // sysdig's -p without '*': an event lacking a field of the format has no line
                    }
                    if (request.Limit is long limit && ++printed >= limit)
                    {
                        break;
                    }
                }
            }
            catch (ScapFormatException e)
            {
                progress.Done();
                console.Out.Flush();
                console.Error.WriteLine($"falconet: {e.Message}");
                return ExitCodes.Failure;
            }
            progress.Done();
            console.Out.Flush();
            return ExitCodes.Success;
        }
    }

    /// <summary>The capture path that means standard input, so that <c>zcat x.scap.gz | falconet -e -</c> works.</summary>
    public const string StandardInputPath = "-";

    /// <summary>
    /// Opens a capture, turning the usual I/O failures into one-line user errors. <c>-</c> reads standard input
    /// (plain or gzip, read once from start to end); any other path must be a regular file, checked before opening.
    /// </summary>
    public static ScapReader OpenCapture(string path)
    {
        if (path == StandardInputPath)
        {
            return new ScapReader(Console.OpenStandardInput(), "<stdin>");
        }
        InputFileKind kind = InputFiles.KindOf(path);
        if (kind != InputFileKind.Missing && InputFiles.Problem(path, kind, "capture") is { } problem)
        {
            throw new UserFacingException(problem);
        }
        try
        {
            return ScapReader.Open(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The reader wraps the open failure in an IOException that repeats the path; report the cause once.
            Exception cause = e.InnerException ?? e;
            throw new UserFacingException(cause is FileNotFoundException or DirectoryNotFoundException
                ? $"cannot open capture {path}: no such file"
                : $"cannot open capture {path}: {cause.Message}");
        }
        catch (ScapFormatException e)
        {
            throw new UserFacingException(e.Message);
        }
    }
}
