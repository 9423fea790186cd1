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
                    Echo = c.GetBool("http_output.echo", false) ? line => console.Error.WriteLine(line) : null,
                }));
            }
            if (c.GetBool("nats_output.enabled", false))
            {
                batched.Add(new NatsAlertSink(new NatsOutputOptions
                {
                    Url = c.GetString("nats_output.url", "nats://127.0.0.1:4222")!,
                    Subject = c.GetString("nats_output.subject", "falco.alerts")!,
                }));
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

    /// <summary>The keys every line output shares: its section's <c>keep_alive</c>, and <c>buffered_outputs</c> (off under <c>-U</c>).</summary>
    private static T WithLineKeys<T>(T options, ConfigTree c, string section, bool buffered)
        where T : LineOutputOptions
    {
        LineOutputOptions keyed = (LineOutputOptions)options with { KeepAlive = c.GetBool(section + ".keep_alive", false), Buffered = buffered };
        return (T)keyed;
    }
}
