using Falconet.Core.Events;
using Falconet.Fields;

namespace Falconet.Rules.Conditions;

/// <summary>An operand after binding: an extractor (with transformers applied) and its comparison family.</summary>
internal sealed class BoundOperand(FieldExtractor extractor, ParamType type, bool isList, IEitherEndExtractor? eitherEnd, string text)
{
    public FieldExtractor Extractor { get; } = extractor;
    public ParamType Type { get; } = type;
    public ValueKind Kind { get; } = ValueTypes.KindOf(type);
    public bool IsList { get; } = isList;

    /// <summary>Set for <c>fd.ip</c>/<c>fd.port</c>/<c>fd.net</c>-style fields that compare either socket end.</summary>
    public IEitherEndExtractor? EitherEnd { get; } = eitherEnd;

    public string Text { get; } = text;
}
