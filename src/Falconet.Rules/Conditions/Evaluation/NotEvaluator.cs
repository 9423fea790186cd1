using Falconet.State;

namespace Falconet.Rules.Conditions;

internal sealed class NotEvaluator(ConditionEvaluator operand) : ConditionEvaluator
{
    public override bool Evaluate(EventContext context) => !operand.Evaluate(context);
}
