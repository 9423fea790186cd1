namespace Falconet.Fields;

/// <summary>The evt.* (and syscall.type) fields.</summary>
internal static class EventFields
{
    public static void Register(FieldRegistry registry)
    {
    }
}
