using Falconet.Core.Events;
using Falconet.Fields;
using Falconet.State;

namespace Falconet.Rules.Conditions;

/// <summary>A quoted string or number written as a transformer argument: always present, a string.</summary>
internal sealed class ConstantExtractor(string value) : FieldExtractor(TransformerField.Descriptor)
{
    public string Value { get; } = value;

    public override ParamType Type => ParamType.Charbuf;

    public override bool TryExtract(EventContext context, ref FieldValue value)
    {
        value.String = Value;
        value.List = null;
        return true;
    }
}
