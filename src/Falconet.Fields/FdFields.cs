namespace Falconet.Fields;

/// <summary>The fd.*, fs.path.* and fdlist.* fields.</summary>
internal static class FdFields
{
    public static void Register(FieldRegistry registry)
    {
    }
}
