namespace Falconet.State;

/// <summary>The PPM_O_* open flags the state engine reads (the drivers' portable encoding of open(2) flags).</summary>
internal static class PpmOpenFlags
{
    public const uint WrOnly = 2;
    public const uint Creat = 4;
    public const uint Trunc = 256;
    public const uint Directory = 1024;
    public const uint Cloexec = 4096;
}
