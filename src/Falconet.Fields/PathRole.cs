namespace Falconet.Fields;

/// <summary>The role of a path parameter of a path-based syscall (<c>fs.path.*</c>).</summary>
internal enum PathRole : byte
{
    Name,
    Source,
    Target,
}
