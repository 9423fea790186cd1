namespace Falconet.Fuzz;

/// <summary>
/// One thing that parses untrusted input. <see cref="Execute"/> feeds it one input and returns the class of what
/// happened (an error code, a status, "ok"); it throws only when the parser broke its contract (an exception it does
/// not document, a value out of bounds), which is a finding.
/// </summary>
public sealed class FuzzTarget(string name, Func<IReadOnlyList<byte[]>> seeds, IReadOnlyList<byte[]> dictionary, int maxLength, Func<byte[], string> execute)
{
    private IReadOnlyList<byte[]>? _seeds;

    /// <summary>The name on the command line and in reports.</summary>
    public string Name { get; } = name;

    /// <summary>The seed corpus (the project's own files and ../shared, read in place), loaded once.</summary>
    public IReadOnlyList<byte[]> Seeds => _seeds ??= seeds();

    /// <summary>Tokens of the input's language for the mutator.</summary>
    public IReadOnlyList<byte[]> Dictionary { get; } = dictionary;

    /// <summary>Mutants are cut to this many bytes.</summary>
    public int MaxLength { get; } = maxLength;

    /// <summary>Runs one input; returns its outcome class.</summary>
    public string Execute(byte[] input) => execute(input);
}
