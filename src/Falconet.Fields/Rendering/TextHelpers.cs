using System.Globalization;

namespace Falconet.Fields.Rendering;

/// <summary>C printf conversions that .NET has no exact equivalent for.</summary>
public static class CFormat
{
    /// <summary>C's <c>%g</c> (6 significant digits, trailing zeros removed, exponent form below 1e-4 or from 1e6).</summary>
    public static string General(double value)
    {
        if (value == 0)
        {
            return "0";
        }
        string scientific = value.ToString("E5", CultureInfo.InvariantCulture);
        int e = scientific.IndexOf('E');
        int exponent = int.Parse(scientific.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        if (exponent < -4 || exponent >= 6)
        {
            string mantissa = TrimFraction(scientific[..e]);
            string sign = exponent < 0 ? "-" : "+";
            return $"{mantissa}e{sign}{Math.Abs(exponent):00}";
        }
        return TrimFraction(value.ToString("F" + (5 - exponent).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
    }

    private static string TrimFraction(string text) =>
        text.Contains('.', StringComparison.Ordinal) ? text.TrimEnd('0').TrimEnd('.') : text;
}
