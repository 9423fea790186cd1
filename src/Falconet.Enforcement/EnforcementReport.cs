using System.Net;

namespace Falconet.Enforcement;

/// <summary>One decision the kernel reported: a call to a destination outside the allowlist, blocked or (audit) let through.</summary>
public sealed record EnforcementReport
{
    /// <summary>When the kernel decided, ns since the Unix epoch.</summary>
    public required ulong TimestampNs { get; init; }

    /// <summary><see cref="EnforcementMode.Enforce"/>: rejected with EPERM; <see cref="EnforcementMode.Audit"/>: let through.</summary>
    public required EnforcementMode Verdict { get; init; }

    /// <summary><c>connect</c> or <c>sendmsg</c> (an unconnected UDP send).</summary>
    public required string Call { get; init; }

    /// <summary><c>tcp</c> or <c>udp</c> (or the protocol number).</summary>
    public required string Protocol { get; init; }

    /// <summary>The destination address (IPv4 for a mapped address on an IPv6 socket).</summary>
    public required IPAddress Address { get; init; }

    /// <summary>The destination port.</summary>
    public required int Port { get; init; }

    /// <summary>The calling process.</summary>
    public required int ProcessId { get; init; }

    /// <summary>The calling thread.</summary>
    public required int ThreadId { get; init; }

    /// <summary>The caller's user id.</summary>
    public required uint UserId { get; init; }

    /// <summary>The task's comm (up to 15 characters).</summary>
    public required string Command { get; init; }

    /// <summary>The caller's cgroup v2 id.</summary>
    public required ulong CgroupId { get; init; }
}
