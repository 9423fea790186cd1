namespace Falconet.Fields;

/// <summary>
/// Implemented by the extractors of the filter-only "either end" fields <c>fd.ip</c>, <c>fd.port</c>,
/// <c>fd.proto</c> and <c>fd.net</c>. The condition compiler compares each end:
/// <c>=</c>, <c>in</c> and the ordering operators hold when any present end satisfies the comparison,
/// <c>!=</c> only when every present end differs. For a listening (server) socket only the server end
/// is present (the bound address). When neither end is present every comparison is false.
/// </summary>
public interface IEitherEndExtractor
{
    /// <summary>The client end (IP in <see cref="FieldValue.Ip"/>, port in <see cref="FieldValue.Int"/>); false when absent.</summary>
    bool TryExtractClient(EventContext context, ref FieldValue value);

    /// <summary>The server end (or a listening socket's bound address); false when absent.</summary>
    bool TryExtractServer(EventContext context, ref FieldValue value);
}
