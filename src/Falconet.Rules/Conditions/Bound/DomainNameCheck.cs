using Falconet.Dns;
using Falconet.Fields;

namespace Falconet.Rules.Conditions;

/// <summary>What an <c>fd.*ip.name</c> comparison binds to: the resolved field and the set of names and patterns.</summary>
internal sealed record DomainNameCheck(DomainNameField Field, DomainPatternSet Patterns);
