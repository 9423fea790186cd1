using Falconet.Core.Events;
using Falconet.Fields;

namespace Falconet.Rules.Conditions;

/// <summary>An operand after binding: an extractor (with transformers applied) and its comparison family.</summary>
internal sealed class BoundOperand(FieldExtractor extractor, ParamType type, bool isList, IEitherEndExtractor? eitherEnd, string text,
    string? falcoName = null, FieldFlags flags = FieldFlags.None)
{
    /// <summary>The field name libsinsp's messages print: the registered name, the innermost field through one-argument transformers, <c>NA</c> for computed values.</summary>
    public string FalcoName { get; } = falcoName ?? extractor.Field.Name;

    /// <summary>The flags of the field (none for computed values).</summary>
    public FieldFlags Flags { get; } = flags;

    public FieldExtractor Extractor { get; } = extractor;
    public ParamType Type { get; } = type;
    public ValueKind Kind { get; } = ValueTypes.KindOf(type);
    public bool IsList { get; } = isList;

    /// <summary>Set for <c>fd.ip</c>/<c>fd.port</c>/<c>fd.net</c>-style fields that compare either socket end.</summary>
    public IEitherEndExtractor? EitherEnd { get; } = eitherEnd;

    public string Text { get; } = text;

    /// <summary>For transformer calls and list literals: the bound arguments (for the fields an output shows).</summary>
    public IReadOnlyList<BoundOperand>? Items { get; init; }

    /// <summary>A <c>join</c>/<c>concat</c>/<c>getopt</c> call: libsinsp describes it to other transformers as one string, even when it yields a list.</summary>
    public bool MultiValue { get; init; }

    /// <summary>Whether the operand is a list as an argument of a multi-value transformer sees it.</summary>
    public bool IsListArgument => IsList && !MultiValue;
}
