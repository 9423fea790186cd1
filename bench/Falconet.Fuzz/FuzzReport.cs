namespace Falconet.Fuzz;

/// <summary>What a fuzz run did: executions, distinct outcome classes, corpus size, and the first finding if any.</summary>
public sealed class FuzzReport
{
    /// <summary>The target's name.</summary>
    public required string Target { get; init; }

    /// <summary>Inputs executed (seeds included).</summary>
    public long Executions { get; set; }

    /// <summary>Distinct outcome classes seen, with how often.</summary>
    public Dictionary<string, long> Outcomes { get; } = new(StringComparer.Ordinal);

    /// <summary>Inputs kept because they reached a new outcome class (or new edges, when the assemblies are instrumented).</summary>
    public int CorpusSize { get; set; }

    /// <summary>Edges seen, when SharpFuzz-instrumented assemblies report coverage; 0 otherwise.</summary>
    public int Edges { get; set; }

    /// <summary>The input that threw or hung, if any.</summary>
    public byte[]? FindingInput { get; set; }

    /// <summary>What went wrong with <see cref="FindingInput"/>.</summary>
    public string? Finding { get; set; }

    /// <summary>A one-line summary.</summary>
    public override string ToString() =>
        $"{Target}: {Executions} executions, {Outcomes.Count} outcome classes, corpus {CorpusSize}, edges {Edges}" +
        (Finding is null ? ", no finding" : ", FINDING: " + Finding);
}
