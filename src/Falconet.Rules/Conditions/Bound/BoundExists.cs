using Falconet.Core.Events;
using Falconet.Fields;
using Falconet.State;

namespace Falconet.Rules.Conditions;

public sealed class BoundExists(BoundOperand field) : BoundNode
{
    public BoundOperand Field { get; } = field;
}
