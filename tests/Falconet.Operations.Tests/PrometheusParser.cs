using System.Diagnostics;
using System.Text.Json.Nodes;
using Falconet.TestKit;

namespace Falconet.Operations.Tests;

/// <summary>The Prometheus text format parsed by prometheus_client (Python, Debian's python3-prometheus-client).</summary>
internal static class PrometheusParser
{
    private const string Python = "/usr/bin/python3";

    public sealed record ParsedSample(string Family, string Type, string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public static void Require()
    {
        bool available = File.Exists(Python) && Run(Python, ["-c", "import prometheus_client.parser"], "").ExitCode == 0;
        Oracle.Require(available, "python3 with prometheus_client (apt-get install python3-prometheus-client) is needed to parse /metrics");
    }

    public static List<ParsedSample> Parse(string text)
    {
        (int rc, string output, string error) = Run(Python, [Path.Combine(AppContext.BaseDirectory, "prom_parse.py")], text);
        Assert.True(rc == 0, "prometheus_client rejected the exposition: " + error);
        var samples = new List<ParsedSample>();
        foreach (JsonNode? family in JsonNode.Parse(output)!.AsArray())
        {
            foreach (JsonNode? s in family!["samples"]!.AsArray())
            {
                var labels = s!["labels"]!.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>());
                samples.Add(new ParsedSample(family["name"]!.GetValue<string>(), family["type"]!.GetValue<string>(),
                    s["name"]!.GetValue<string>(), labels, s["value"]!.GetValue<double>()));
            }
        }
        return samples;
    }

    private static (int ExitCode, string Output, string Error) Run(string file, string[] args, string input)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }
        using Process p = Process.Start(start)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(input);
        p.StandardInput.Close();
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(60)), "the parser did not finish within 60 s");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
