namespace Falconet.Enforcement;

/// <summary>The kernel's decision counters, summed over CPUs, since the object was loaded.</summary>
/// <param name="Allowed">Outbound calls the policy allowed (address, network or a name's admitted address).</param>
/// <param name="Denied">Calls rejected with EPERM (enforce mode).</param>
/// <param name="Audited">Calls that would have been rejected (audit mode).</param>
/// <param name="Exempt">Calls never decided: Falconet itself, loopback, not-outbound networks, DNS to the resolvers.</param>
/// <param name="DnsAnswers">DNS answers from a resolver parsed on receive.</param>
/// <param name="DnsAdmitted">Addresses admitted from answers to allowed names.</param>
/// <param name="ReportsDropped">Reports lost because the ring buffer was full (the counters above still count them).</param>
public readonly record struct EnforcementCounters(
    ulong Allowed, ulong Denied, ulong Audited, ulong Exempt, ulong DnsAnswers, ulong DnsAdmitted, ulong ReportsDropped);
