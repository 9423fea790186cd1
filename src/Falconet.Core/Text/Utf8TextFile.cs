using System.Text;

namespace Falconet.Core.Text;

/// <summary>
/// Reads text files that must be UTF-8 (rules, configuration). Invalid bytes are an error naming their line and
/// column, not text silently changed to U+FFFD: a rule matching a changed string would match something else.
/// </summary>
public static class Utf8TextFile
{
    private static readonly UTF8Encoding s_strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The text of <paramref name="path"/> (a leading BOM dropped); <see cref="InvalidDataException"/> when it is not UTF-8.</summary>
    public static string Read(string path) => Decode(File.ReadAllBytes(path));

    /// <summary>The text of <paramref name="bytes"/> (a leading BOM dropped); <see cref="InvalidDataException"/> when it is not UTF-8.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes is [0xEF, 0xBB, 0xBF, ..])
        {
            bytes = bytes[3..];
        }
        try
        {
            return s_strict.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            int offset = e.Index >= 0 ? e.Index : FirstInvalid(bytes);
            (int line, int column) = LineAndColumn(bytes, offset);
            throw new InvalidDataException($"not valid UTF-8 at line {line}, column {column} (byte offset {offset})", e);
        }
    }

    private static int FirstInvalid(ReadOnlySpan<byte> bytes)
    {
        int valid = 0;
        while (valid < bytes.Length)
        {
            System.Buffers.OperationStatus status = System.Text.Unicode.Utf8.ToUtf16(bytes[valid..], new char[Math.Min(bytes.Length - valid, 4096) + 1], out int read, out _, replaceInvalidSequences: false);
            valid += read;
            if (status != System.Buffers.OperationStatus.Done)
            {
                break;
            }
        }
        return valid;
    }

    private static (int Line, int Column) LineAndColumn(ReadOnlySpan<byte> bytes, int offset)
    {
        offset = Math.Clamp(offset, 0, bytes.Length);
        ReadOnlySpan<byte> before = bytes[..offset];
        int line = before.Count((byte)'\n') + 1;
        int lineStart = before.LastIndexOf((byte)'\n') + 1;
        // Columns count characters, as YAML positions do: continuation bytes do not start one.
        int column = 1;
        foreach (byte b in before[lineStart..])
        {
            if ((b & 0xC0) != 0x80)
            {
                column++;
            }
        }
        return (line, column);
    }
}
