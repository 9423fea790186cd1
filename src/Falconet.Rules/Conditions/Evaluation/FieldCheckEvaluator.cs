using Falconet.Fields;
using Falconet.State;

namespace Falconet.Rules.Conditions;

/// <summary>Extract, then match. Several values (list fields, any-ancestor fields) follow Falco: <c>in</c> needs every value in the set, <c>intersects</c> one; any-ancestor fields match if one ancestor does.</summary>
internal sealed class FieldCheckEvaluator(FieldExtractor extractor, ValueMatcher matcher, bool isListField, bool everyValue) : ConditionEvaluator
{
    public override bool Evaluate(EventContext context)
    {
        FieldValue value = default;
        if (!extractor.TryExtract(context, ref value))
        {
            return false;
        }
        if (value.List is not { } list)
        {
            return matcher.Match(ref value);
        }
        // List field with `in`: every value must be in the set; otherwise one matching value suffices.
        bool requireAll = isListField && everyValue;
        FieldValue item = default;
        for (int i = 0; i < list.Count; i++)
        {
            item.String = list[i];
            bool matched = matcher.Match(ref item);
            if (matched != requireAll)
            {
                return matched;
            }
        }
        return requireAll;
    }
}
