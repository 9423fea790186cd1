using Falconet.Core.Events;
using Falconet.Fields;

namespace Falconet.Rules.Conditions;

/// <summary>
/// The descriptor of values that come from no registered field: literals inside transformer calls and the results of
/// multi-argument transformers. libsinsp names these <c>NA</c>, which is the name its messages print.
/// </summary>
internal static class TransformerField
{
    public const string Name = "NA";

    public static FieldDescriptor Descriptor { get; } = new(Name, ParamType.Charbuf, "a value computed by a transformer",
        (_, _) => throw new InvalidOperationException("transformer values have no extractor of their own"));
}
