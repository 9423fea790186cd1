namespace Falconet.Core.Alerts;

/// <summary>Falco's rule priorities, most severe first (the numbers are syslog severities).</summary>
public enum Priority
{
    /// <summary>System is unusable (syslog 0).</summary>
    Emergency = 0,
    /// <summary>Action must be taken immediately (syslog 1).</summary>
    Alert = 1,
    /// <summary>Critical conditions (syslog 2).</summary>
    Critical = 2,
    /// <summary>Error conditions (syslog 3).</summary>
    Error = 3,
    /// <summary>Warning conditions (syslog 4).</summary>
    Warning = 4,
    /// <summary>Normal but significant (syslog 5).</summary>
    Notice = 5,
    /// <summary>Informational (syslog 6).</summary>
    Informational = 6,
    /// <summary>Debug-level messages (syslog 7).</summary>
    Debug = 7,
}

/// <summary>Falco's names of priorities, for printing and for parsing rules.</summary>
public static class PriorityNames
{
    /// <summary>The long name Falco prints in alerts (<c>Informational</c>, not <c>Info</c>).</summary>
    public static string ToDisplayName(this Priority priority) => priority switch
    {
        Priority.Emergency => "Emergency",
        Priority.Alert => "Alert",
        Priority.Critical => "Critical",
        Priority.Error => "Error",
        Priority.Warning => "Warning",
        Priority.Notice => "Notice",
        Priority.Informational => "Informational",
        Priority.Debug => "Debug",
        _ => throw new ArgumentOutOfRangeException(nameof(priority)),
    };

    /// <summary>Parses a priority as Falco does: any case, and <c>info</c> for Informational.</summary>
    public static bool TryParse(string? text, out Priority priority)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "emergency": priority = Priority.Emergency; return true;
            case "alert": priority = Priority.Alert; return true;
            case "critical": priority = Priority.Critical; return true;
            case "error": priority = Priority.Error; return true;
            case "warning": priority = Priority.Warning; return true;
            case "notice": priority = Priority.Notice; return true;
            case "informational":
            case "info": priority = Priority.Informational; return true;
            case "debug": priority = Priority.Debug; return true;
            default: priority = Priority.Debug; return false;
        }
    }
}
