namespace Falconet.Core.Alerts;

/// <summary>Falco's rule priorities, most severe first (the numbers are syslog severities).</summary>
public enum Priority
{
    Emergency = 0,
    Alert = 1,
    Critical = 2,
    Error = 3,
    Warning = 4,
    Notice = 5,
    Informational = 6,
    Debug = 7,
}

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
