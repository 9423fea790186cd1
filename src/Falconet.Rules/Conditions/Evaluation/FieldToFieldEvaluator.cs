using Falconet.Fields;
using Falconet.State;

namespace Falconet.Rules.Conditions;

/// <summary><c>a op val(b)</c> / <c>a op transformer(b)</c>: false when either side is absent.</summary>
internal sealed class FieldToFieldEvaluator(BoundOperand left, BoundOperand right, ComparisonOperator op) : ConditionEvaluator
{
    public override bool Evaluate(EventContext context)
    {
        FieldValue l = default;
        FieldValue r = default;
        if (!left.Extractor.TryExtract(context, ref l) || !right.Extractor.TryExtract(context, ref r))
        {
            return false;
        }
        return FieldComparison.Compare(left.Kind, op, ref l, ref r);
    }
}
