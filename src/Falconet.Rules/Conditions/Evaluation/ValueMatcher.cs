using Falconet.Fields;

namespace Falconet.Rules.Conditions;

/// <summary>Tests one extracted value against the literal(s) of a check.</summary>
internal abstract class ValueMatcher
{
    public abstract bool Match(ref FieldValue value);
}
