using Falconet.State;

namespace Falconet.Rules.Conditions;

/// <summary>A check that loads but never matches, as in libsinsp.</summary>
internal sealed class NeverEvaluator : ConditionEvaluator
{
    public static NeverEvaluator Instance { get; } = new();

    public override bool Evaluate(EventContext context) => false;
}
