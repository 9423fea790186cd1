using Falconet.State;

namespace Falconet.Rules.Conditions;

/// <summary>A compiled condition node. Evaluation allocates nothing: constants are converted at compile time.</summary>
internal abstract class ConditionEvaluator
{
    public abstract bool Evaluate(EventContext context);
}
