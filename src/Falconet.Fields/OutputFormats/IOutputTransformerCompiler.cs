namespace Falconet.Fields.OutputFormats;

/// <summary>
/// Compiles a transformer call written in an output format (<c>%toupper(proc.name)</c>, <c>%len(fd.types)</c>):
/// the condition language owns transformers, so <see cref="OutputFormat"/> asks its compiler for them.
/// </summary>
public interface IOutputTransformerCompiler
{
    /// <summary>
    /// Compiles the call whose name starts at <paramref name="start"/> in <paramref name="format"/>; throws
    /// <see cref="OutputFormatException"/> when it is not a valid call.
    /// </summary>
    OutputTransformer Compile(string format, int start);
}
