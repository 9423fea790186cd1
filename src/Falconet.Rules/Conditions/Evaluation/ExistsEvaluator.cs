using Falconet.Fields;
using Falconet.State;

namespace Falconet.Rules.Conditions;

internal sealed class ExistsEvaluator(FieldExtractor extractor) : ConditionEvaluator
{
    public override bool Evaluate(EventContext context)
    {
        FieldValue value = default;
        return extractor.TryExtract(context, ref value);
    }
}
