namespace Falconet.Fields;

/// <summary>The user.* and group.* fields.</summary>
internal static class UserFields
{
    public static void Register(FieldRegistry registry)
    {
    }
}
