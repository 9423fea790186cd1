using Falconet.State;

namespace Falconet.Rules.Conditions;

internal sealed class AndEvaluator(ConditionEvaluator[] children) : ConditionEvaluator
{
    public override bool Evaluate(EventContext context)
    {
        foreach (ConditionEvaluator child in children)
        {
            if (!child.Evaluate(context))
            {
                return false;
            }
        }
        return true;
    }
}
