using Falconet.Fields;
using Falconet.State;

namespace Falconet.Rules.Conditions;

/// <summary><c>fd.ip</c>/<c>fd.port</c>/<c>fd.net</c>: any present end for positive operators, every present end for <c>!=</c>.</summary>
internal sealed class EitherEndEvaluator(IEitherEndExtractor extractor, ValueMatcher matcher, bool everyEnd) : ConditionEvaluator
{
    public override bool Evaluate(EventContext context)
    {
        FieldValue client = default;
        FieldValue server = default;
        bool hasClient = extractor.TryExtractClient(context, ref client);
        bool hasServer = extractor.TryExtractServer(context, ref server);
        if (!hasClient && !hasServer)
        {
            return false;
        }
        bool clientMatch = hasClient && matcher.Match(ref client);
        bool serverMatch = hasServer && matcher.Match(ref server);
        return everyEnd ? (!hasClient || clientMatch) && (!hasServer || serverMatch) : clientMatch || serverMatch;
    }
}
