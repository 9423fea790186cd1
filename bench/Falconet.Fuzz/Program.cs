using System.Globalization;

namespace Falconet.Fuzz;

/// <summary>
/// Long fuzz runs: <c>Falconet.Fuzz TARGET|all [--minutes N] [--seed N] [--findings DIR]</c>. Prints executions,
/// outcome classes, corpus size and edges (with SharpFuzz-instrumented assemblies) each minute; a finding is written
/// to DIR and ends the run with exit code 1.
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        EdgeCoverage.Install();
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine("usage: Falconet.Fuzz TARGET|all [--minutes N] [--seed N] [--findings DIR] | TARGET --repro FILE");
            Console.WriteLine("targets: " + string.Join(", ", FuzzTargets.All.Select(t => t.Name)));
            return args.Length == 0 ? 2 : 0;
        }
        if (args.Length == 3 && args[1] == "--repro")
        {
            // One input, once: for turning a finding into a regression test.
            try
            {
                Console.WriteLine(FuzzTargets.Get(args[0]).Execute(File.ReadAllBytes(args[2])));
                return 0;
            }
            catch (Exception e)
            {
                Console.WriteLine(e);
                return 1;
            }
        }
        double minutes = 1;
        int seed = Environment.TickCount;
        string findings = "fuzz-findings";
        for (int i = 1; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--minutes": minutes = double.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--findings": findings = args[i + 1]; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        IReadOnlyList<FuzzTarget> targets;
        try
        {
            targets = args[0] == "all" ? FuzzTargets.All : [FuzzTargets.Get(args[0])];
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        int status = 0;
        foreach (FuzzTarget target in targets)
        {
            Console.WriteLine($"== {target.Name}: {target.Seeds.Count} seeds, seed {seed}, {minutes} min");
            DateTime start = DateTime.UtcNow;
            FuzzReport report = FuzzLoop.Run(target, seed, long.MaxValue, TimeSpan.FromMinutes(minutes), TimeSpan.FromSeconds(30),
                r => Console.WriteLine(Progress(r, start)));
            Console.WriteLine(Progress(report, start));
            Console.WriteLine(report);
            foreach ((string outcome, long count) in report.Outcomes.OrderByDescending(o => o.Value).Take(12))
            {
                Console.WriteLine($"   {count,10}  {outcome}");
            }
            if (report.FindingInput is { } input)
            {
                Directory.CreateDirectory(findings);
                string path = Path.Combine(findings, $"{target.Name}-{DateTime.UtcNow:yyyyMMddTHHmmss}.bin");
                File.WriteAllBytes(path, input);
                File.WriteAllText(path + ".txt", report.Finding);
                Console.WriteLine($"finding written to {path}");
                status = 1;
                if (report.Finding!.StartsWith("hang", StringComparison.Ordinal))
                {
                    return status; // the hung worker cannot be stopped; end the process
                }
            }
        }
        return status;
    }

    private static string Progress(FuzzReport report, DateTime start)
    {
        double seconds = Math.Max(1, (DateTime.UtcNow - start).TotalSeconds);
        return string.Create(CultureInfo.InvariantCulture,
            $"[{report.Target} {seconds / 60,6:0.0} min] execs {report.Executions} ({report.Executions / seconds:0}/s), outcome classes {report.Outcomes.Count}, corpus {report.CorpusSize}, edges {report.Edges}");
    }
}
