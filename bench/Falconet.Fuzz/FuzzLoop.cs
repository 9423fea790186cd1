using System.Diagnostics;

namespace Falconet.Fuzz;

/// <summary>
/// Runs a target over its seeds and then over mutants until a budget (executions or time) runs out, a call throws,
/// or one input runs longer than the hang limit. Inputs that reach a new outcome class, or new edges when the
/// assemblies are SharpFuzz-instrumented (<see cref="EdgeCoverage"/>), join the corpus the mutator draws from.
/// </summary>
public static class FuzzLoop
{
    /// <summary>The number of distinct outcome classes kept; later new classes count as <see cref="OtherOutcomes"/>.</summary>
    public const int MaxOutcomeClasses = 2048;

    /// <summary>The class of every outcome past <see cref="MaxOutcomeClasses"/>.</summary>
    public const string OtherOutcomes = "(other outcome classes)";

    /// <summary>Runs <paramref name="target"/>; the loop runs on its own thread so a hang is reported, not suffered.</summary>
    public static FuzzReport Run(FuzzTarget target, int seed, long maxExecutions, TimeSpan maxTime, TimeSpan hangLimit,
        Action<FuzzReport>? progress = null, TimeSpan? progressEvery = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        var report = new FuzzReport { Target = target.Name };
        byte[]? current = null;
        long currentStart = 0;
        var clock = Stopwatch.StartNew();
        var worker = new Thread(() =>
        {
            var random = new Random(seed);
            var mutator = new Mutator(random, target.Dictionary);
            var corpus = new List<byte[]>(target.Seeds);
            var coverage = new EdgeCoverage();
            long executions = 0;
            bool Execute(byte[] input)
            {
                Volatile.Write(ref current, input);
                Interlocked.Exchange(ref currentStart, clock.ElapsedTicks);
                coverage.Reset();
                string outcome;
                try
                {
                    outcome = target.Execute(input);
                }
                catch (Exception e)
                {
                    lock (report)
                    {
                        report.FindingInput = input;
                        report.Finding = $"{e.GetType().Name}: {e.Message}\n{e.StackTrace}";
                    }
                    return false;
                }
                finally
                {
                    Interlocked.Exchange(ref currentStart, 0);
                }
                bool newEdges = coverage.Merge();
                lock (report)
                {
                    report.Executions = ++executions;
                    // Some messages still name the input (an unknown event type's name), so past a bound further
                    // classes are lumped together: otherwise a long run's corpus and class table grow without end.
                    if (!report.Outcomes.ContainsKey(outcome) && report.Outcomes.Count >= MaxOutcomeClasses)
                    {
                        outcome = OtherOutcomes;
                    }
                    bool newOutcome = !report.Outcomes.ContainsKey(outcome);
                    report.Outcomes[outcome] = report.Outcomes.GetValueOrDefault(outcome) + 1;
                    if ((newOutcome || newEdges) && input.Length <= target.MaxLength)
                    {
                        corpus.Add(input);
                    }
                    report.CorpusSize = corpus.Count;
                    report.Edges = coverage.Edges;
                }
                return true;
            }

            foreach (byte[] input in target.Seeds)
            {
                if (!Execute(input))
                {
                    return;
                }
            }
            while (executions < maxExecutions && clock.Elapsed < maxTime)
            {
                byte[] parent = corpus[random.Next(corpus.Count)];
                byte[] other = corpus[random.Next(corpus.Count)];
                if (!Execute(mutator.Mutate(parent, other, target.MaxLength)))
                {
                    return;
                }
            }
        })
        { IsBackground = true, Name = "fuzz " + target.Name };
        worker.Start();

        TimeSpan every = progressEvery ?? TimeSpan.FromMinutes(1);
        TimeSpan nextProgress = every;
        while (!worker.Join(200))
        {
            long started = Interlocked.Read(ref currentStart);
            if (started != 0 && TimeSpan.FromTicks((long)((clock.ElapsedTicks - started) * (TimeSpan.TicksPerSecond / (double)Stopwatch.Frequency))) > hangLimit)
            {
                lock (report)
                {
                    report.FindingInput = Volatile.Read(ref current);
                    report.Finding = $"hang: one input ran longer than {hangLimit.TotalSeconds:0} s";
                }
                return report; // the worker is a background thread, stuck in the target; the process owner decides
            }
            if (progress is not null && clock.Elapsed >= nextProgress)
            {
                nextProgress += every;
                lock (report)
                {
                    progress(report);
                }
            }
        }
        return report;
    }
}
