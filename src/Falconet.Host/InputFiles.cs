using System.Runtime.InteropServices;

namespace Falconet.Host;

/// <summary>What a path names, as far as reading it as an input is concerned.</summary>
public enum InputFileKind
{
    /// <summary>Nothing is there (or a dangling link).</summary>
    Missing,
    /// <summary>A regular file: safe to open and read to the end.</summary>
    Regular,
    /// <summary>A directory.</summary>
    Directory,
    /// <summary>A named pipe: opening it blocks until a writer comes.</summary>
    Fifo,
    /// <summary>A Unix socket.</summary>
    Socket,
    /// <summary>A character device such as /dev/zero, which never ends.</summary>
    CharacterDevice,
    /// <summary>A block device.</summary>
    BlockDevice,
}

/// <summary>
/// Checks an input path's type before it is opened: opening a FIFO blocks until someone writes, a character device
/// may never end, and neither is a rules, configuration or capture file. The check follows symbolic links, as open does.
/// </summary>
public static partial class InputFiles
{
    private const uint StatxType = 0x1;
    private const int StatxBufferSize = 256;
    private const int StatxModeOffset = 28;

    /// <summary>What <paramref name="path"/> names.</summary>
    public static InputFileKind KindOf(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return Directory.Exists(path) ? InputFileKind.Directory : File.Exists(path) ? InputFileKind.Regular : InputFileKind.Missing;
        }
        byte[] buffer = new byte[StatxBufferSize];
        if (Statx((int)Falconet.Core.Events.WireConstants.AtFdCwd, path, 0, StatxType, buffer) != 0)
        {
            return InputFileKind.Missing;
        }
        int mode = BitConverter.ToUInt16(buffer, StatxModeOffset);
        return (mode & 0xF000) switch
        {
            0x8000 => InputFileKind.Regular,
            0x4000 => InputFileKind.Directory,
            0x1000 => InputFileKind.Fifo,
            0xC000 => InputFileKind.Socket,
            0x2000 => InputFileKind.CharacterDevice,
            _ => InputFileKind.BlockDevice,
        };
    }

    /// <summary>The reason <paramref name="path"/> of kind <paramref name="kind"/> cannot be read as <paramref name="what"/>, or null.</summary>
    public static string? Problem(string path, InputFileKind kind, string what, bool directoryAllowed = false) => kind switch
    {
        InputFileKind.Regular => null,
        InputFileKind.Directory when directoryAllowed => null,
        InputFileKind.Missing => $"{what} {path}: no such file",
        InputFileKind.Directory => $"{what} {path} is a directory, not a file",
        InputFileKind.Fifo => $"{what} {path} is a FIFO (named pipe), not a regular file",
        InputFileKind.Socket => $"{what} {path} is a socket, not a regular file",
        InputFileKind.CharacterDevice => $"{what} {path} is a character device, not a regular file",
        _ => $"{what} {path} is a block device, not a regular file",
    };

    /// <summary>Throws a one-line <see cref="UserFacingException"/> unless <paramref name="path"/> is a regular file.</summary>
    public static void RequireRegular(string path, string what)
    {
        if (Problem(path, KindOf(path), what) is { } problem)
        {
            throw new UserFacingException(problem);
        }
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, [Out] byte[] buffer);
}
