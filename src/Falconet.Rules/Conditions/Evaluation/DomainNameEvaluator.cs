using Falconet.Dns;
using Falconet.Fields;
using Falconet.State;

namespace Falconet.Rules.Conditions;

/// <summary>
/// <c>fd.*ip.name = / != / in</c>: asks the DNS store whether the address has a name in the set, for the event's
/// workload. No address at that end: false for every operator (Falco's missing-value rule).
/// </summary>
internal sealed class DomainNameEvaluator(DomainNameField field, DomainPatternSet domains, bool negate) : ConditionEvaluator
{
    public override bool Evaluate(EventContext context) => field.TryMatch(context, domains, out bool matched) && matched != negate;
}
