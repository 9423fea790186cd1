using Falconet.State;

namespace Falconet.Rules.Conditions;

/// <summary>A compiled condition node. Evaluation allocates nothing: constants are converted at compile time.</summary>
public abstract class ConditionEvaluator
{
    public abstract bool Evaluate(EventContext context);
}
