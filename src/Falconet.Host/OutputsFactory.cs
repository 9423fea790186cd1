using Falconet.Host.Configuration;
using Falconet.Outputs;
using Falconet.Outputs.Nats;
using Falconet.Outputs.Sinks;

namespace Falconet.Host;

/// <summary>Builds the output dispatcher and its sinks from the falco.yaml keys.</summary>
public static class OutputsFactory
{
    /// <summary>The dispatcher and the sinks falco.yaml enables; <paramref name="unbuffered"/> is <c>-U</c>.</summary>
    public static OutputDispatcher Create(FalconetOptions options, ConsoleStreams console, bool unbuffered)
    {
        ConfigTree c = options.Tree;
        bool buffered = options.BufferedOutputs && !unbuffered;
        var formatter = new AlertFormatter(new AlertFormatOptions
        {
            JsonOutput = options.JsonOutput,
            JsonIncludeOutputProperty = options.JsonIncludeOutput,
            JsonIncludeMessageProperty = options.JsonIncludeMessage,
            JsonIncludeOutputFieldsProperty = options.JsonIncludeOutputFields,
            JsonIncludeTagsProperty = options.JsonIncludeTags,
            TimeFormatIso8601 = options.TimeFormatIso8601,
        });
        var sinks = new List<IAlertSink>();
        var batched = new List<IBatchedAlertSink>();
        try
        {
            if (c.GetBool("stdout_output.enabled", true))
            {
                sinks.Add(new StreamAlertSink(console.StandardOutput, buffered));
            }
            if (c.GetBool("file_output.enabled", false))
            {
                var file = new FileOutputOptions { Filename = c.GetString("file_output.filename", "./events.txt")! };
                sinks.Add(new FileAlertSink(WithLineKeys(file, c, "file_output", buffered)));
            }
            if (c.GetBool("syslog_output.enabled", false))
            {
                sinks.Add(new SyslogAlertSink(new SyslogOutputOptions()));
            }
            if (c.GetBool("program_output.enabled", false))
            {
                var program = new ProgramOutputOptions { Program = c.GetString("program_output.program", "")! };
                sinks.Add(new ProgramAlertSink(WithLineKeys(program, c, "program_output", buffered)));
            }
            if (c.GetBool("http_output.enabled", false))
            {
                batched.Add(new HttpAlertSink(new HttpOutputOptions
                {
                    Url = c.GetString("http_output.url", "")!.Trim('"', '\''),
                    UserAgent = c.GetString("http_output.user_agent", "falcosecurity/falco")!,
                    Insecure = c.GetBool("http_output.insecure", false),
                    CaCert = c.GetString("http_output.ca_cert"),
                    CaBundle = c.GetString("http_output.ca_bundle"),
                    CaPath = c.GetString("http_output.ca_path"),
                    CompressUploads = c.GetBool("http_output.compress_uploads", false),
                    KeepAlive = c.GetBool("http_output.keep_alive", false),
                    MaxConsecutiveTimeouts = (int)c.GetInt64("http_output.max_consecutive_timeouts", 5),
                    Retries = (int)Math.Clamp(c.GetInt64("http_output.retries", 3), -1, 1000),
                    RetryBackoff = Milliseconds(c, "http_output.retry_backoff_ms", TimeSpan.FromMilliseconds(100)),
                    RetryBackoffMax = Milliseconds(c, "http_output.retry_backoff_max_ms", TimeSpan.FromSeconds(2)),
                    Echo = c.GetBool("http_output.echo", false) ? line => console.Error.WriteLine(line) : null,
                }));
            }
            if (c.GetBool("nats_output.enabled", false))
            {
                batched.Add(CreateNatsSink(c, console));
            }
        }
        catch (ArgumentException e)
        {
            throw new ConfigException(e.Message);
        }
        long capacity = options.OutputsQueueCapacity;
        if (capacity < 0 || capacity > int.MaxValue)
        {
            throw new ConfigException($"configuration key outputs_queue.capacity: {capacity} is out of range (0 = unbounded)");
        }
        return new OutputDispatcher(formatter, sinks, batched, new OutputDispatcherOptions
        {
            QueueCapacity = (int)capacity,
            OutputTimeout = TimeSpan.FromMilliseconds(c.GetInt64("output_timeout", 2000)),
        }, (level, message) => console.Error.WriteLine($"falconet: {message}"));
    }

    /// <summary><c>nats_output</c>: core NATS, or JetStream with acks and a local buffer when <c>jetstream.enabled</c>.</summary>
    private static IBatchedAlertSink CreateNatsSink(ConfigTree c, ConsoleStreams console)
    {
        var nats = new NatsOutputOptions
        {
            Url = c.GetString("nats_output.url", "nats://127.0.0.1:4222")!,
            Subject = c.GetString("nats_output.subject", "falco.alerts")!,
        };
        if (!c.GetBool("nats_output.jetstream.enabled", false))
        {
            return new NatsAlertSink(nats);
        }
        NatsOutputOptions defaults = new();
        return new JetStreamAlertSink(nats with
        {
            JetStream = true,
            Stream = c.GetString("nats_output.jetstream.stream", defaults.Stream)!,
            CreateStream = c.GetBool("nats_output.jetstream.create_stream", defaults.CreateStream),
            Storage = c.GetString("nats_output.jetstream.storage", defaults.Storage)!,
            DuplicateWindow = Milliseconds(c, "nats_output.jetstream.duplicate_window_ms", defaults.DuplicateWindow),
            AckTimeout = Milliseconds(c, "nats_output.jetstream.ack_timeout_ms", defaults.AckTimeout),
            BufferSize = (int)Math.Clamp(c.GetInt64("nats_output.jetstream.buffer_size", defaults.BufferSize), 0, int.MaxValue),
            RetryMax = Milliseconds(c, "nats_output.jetstream.retry_max_ms", defaults.RetryMax),
            DrainTimeout = Milliseconds(c, "nats_output.jetstream.drain_timeout_ms", defaults.DrainTimeout),
        }, (level, message) => console.Error.WriteLine($"falconet: {message}"));
    }

    private static TimeSpan Milliseconds(ConfigTree c, string key, TimeSpan fallback) =>
        TimeSpan.FromMilliseconds(c.GetInt64(key, (long)fallback.TotalMilliseconds));

    /// <summary>The keys every line output shares: its section's <c>keep_alive</c>, and <c>buffered_outputs</c> (off under <c>-U</c>).</summary>
    private static T WithLineKeys<T>(T options, ConfigTree c, string section, bool buffered)
        where T : LineOutputOptions
    {
        LineOutputOptions keyed = (LineOutputOptions)options with { KeepAlive = c.GetBool(section + ".keep_alive", false), Buffered = buffered };
        return (T)keyed;
    }
}
