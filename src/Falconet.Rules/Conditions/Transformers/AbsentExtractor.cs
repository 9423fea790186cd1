using Falconet.Core.Events;
using Falconet.Fields;
using Falconet.State;

namespace Falconet.Rules.Conditions;

/// <summary>A value that is never present (what libsinsp's formatter prints for <c>len</c> of a single value).</summary>
internal sealed class AbsentExtractor(FieldExtractor inner) : FieldExtractor(inner.Field)
{
    public override ParamType Type => inner.Type;

    public override bool TryExtract(EventContext context, ref FieldValue value) => false;
}
