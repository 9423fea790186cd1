namespace Falconet.Fields;

/// <summary>The container.* (built-in provider: Falconet answers for the container plugin) fields.</summary>
internal static class ContainerFields
{
    public static void Register(FieldRegistry registry)
    {
    }
}
