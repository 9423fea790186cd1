namespace Falconet.Fields;

/// <summary>The proc.* and thread.* fields.</summary>
internal static class ProcessFields
{
    public static void Register(FieldRegistry registry)
    {
    }
}
