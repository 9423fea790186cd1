using System.Globalization;
using System.Text;

namespace Falconet.Fields.ArgumentRendering;

/// <summary>C printf conversions that .NET has no exact equivalent for.</summary>
public static class CFormat
{
    /// <summary>C's <c>%g</c> (6 significant digits, trailing zeros removed, exponent form below 1e-4 or from 1e6).</summary>
    public static string General(double value)
    {
        Span<char> text = stackalloc char[64];
        return new string(text[..FormatGeneral(value, text)]);
    }

    /// <summary>Appends C's <c>%g</c> of <paramref name="value"/> without allocating.</summary>
    public static void AppendGeneral(StringBuilder sb, double value)
    {
        Span<char> text = stackalloc char[64];
        sb.Append(text[..FormatGeneral(value, text)]);
    }

    private static int FormatGeneral(double value, Span<char> destination)
    {
        if (value == 0)
        {
            destination[0] = '0';
            return 1;
        }
        CultureInfo invariant = CultureInfo.InvariantCulture;
        Span<char> scientific = stackalloc char[32];
        value.TryFormat(scientific, out int length, "E5", invariant);
        scientific = scientific[..length];
        int e = scientific.IndexOf('E');
        int exponent = int.Parse(scientific[(e + 1)..], NumberStyles.AllowLeadingSign, invariant);
        if (exponent < -4 || exponent >= 6)
        {
            ReadOnlySpan<char> mantissa = TrimFraction(scientific[..e]);
            mantissa.CopyTo(destination);
            int pos = mantissa.Length;
            destination[pos++] = 'e';
            destination[pos++] = exponent < 0 ? '-' : '+';
            Math.Abs(exponent).TryFormat(destination[pos..], out int written, "00", invariant);
            return pos + written;
        }
        ReadOnlySpan<char> fixedFormat = ['F', (char)('0' + (5 - exponent))];
        value.TryFormat(destination, out int fixedLength, fixedFormat, invariant);
        return TrimFraction(destination[..fixedLength]).Length;
    }

    private static ReadOnlySpan<char> TrimFraction(ReadOnlySpan<char> text) =>
        text.Contains('.') ? text.TrimEnd('0').TrimEnd('.') : text;
}
