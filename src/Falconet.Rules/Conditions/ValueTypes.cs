using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Falconet.Core.Events;

namespace Falconet.Rules.Conditions;

/// <summary>Type families and compile-time conversion of literal values (libsinsp <c>value_parser</c> rules).</summary>
internal static class ValueTypes
{
    public static ValueKind KindOf(ParamType type) => type switch
    {
        ParamType.Charbuf or ParamType.Fspath or ParamType.Fsrelpath or ParamType.Charbufarray or ParamType.CharbufPairArray => ValueKind.String,
        ParamType.Bytebuf => ValueKind.Bytes,
        ParamType.Int8 or ParamType.Int16 or ParamType.Int32 or ParamType.Int64 or ParamType.Errno or ParamType.Fd or ParamType.Pid
            or ParamType.Fd32 or ParamType.Pid32 => ValueKind.Signed,
        ParamType.Uint8 or ParamType.Uint16 or ParamType.Uint32 or ParamType.Uint64 or ParamType.Reltime or ParamType.Abstime
            or ParamType.Port or ParamType.Uid or ParamType.Gid or ParamType.Flags8 or ParamType.Flags16 or ParamType.Flags32
            or ParamType.Enumflags8 or ParamType.Enumflags16 or ParamType.Enumflags32 or ParamType.Mode or ParamType.Syscallid
            or ParamType.Sigtype or ParamType.L4proto or ParamType.Sockfamily => ValueKind.Unsigned,
        ParamType.Bool => ValueKind.Bool,
        ParamType.Ipv4addr or ParamType.Ipv6addr or ParamType.Ipaddr => ValueKind.Ip,
        ParamType.Ipv4net or ParamType.Ipv6net or ParamType.Ipnet => ValueKind.Net,
        ParamType.Double => ValueKind.Double,
        _ => ValueKind.Unsupported,
    };

    /// <summary>Bits of an unsigned type narrower than 64 (a negative literal wraps within them, like <c>%u</c>).</summary>
    public static int UnsignedBits(ParamType type) => type switch
    {
        ParamType.Uint8 or ParamType.Flags8 or ParamType.Enumflags8 or ParamType.Sigtype or ParamType.L4proto or ParamType.Sockfamily => 8,
        ParamType.Uint16 or ParamType.Port or ParamType.Flags16 or ParamType.Enumflags16 or ParamType.Syscallid => 16,
        ParamType.Uint32 or ParamType.Uid or ParamType.Gid or ParamType.Flags32 or ParamType.Enumflags32 or ParamType.Mode => 32,
        _ => 64,
    };

    public static string KindDescription(ValueKind kind) => kind switch
    {
        ValueKind.String => "string",
        ValueKind.Bytes => "buffer",
        ValueKind.Signed or ValueKind.Unsigned or ValueKind.Double or ValueKind.Bool => "numeric",
        ValueKind.Ip or ValueKind.Net => "ip address and network",
        _ => "unsupported",
    };

    /// <summary>The operators a type family allows (Falco's <c>flt_is_comparable</c>: e.g. numbers allow no string operators, lists only in/intersects/exists).</summary>
    public static bool Allows(ValueKind kind, bool isList, ComparisonOperator op)
    {
        if (isList)
        {
            return op is ComparisonOperator.In or ComparisonOperator.Intersects;
        }
        return kind switch
        {
            ValueKind.Signed or ValueKind.Unsigned or ValueKind.Double => op is ComparisonOperator.Equal or ComparisonOperator.NotEqual
                or ComparisonOperator.Less or ComparisonOperator.LessOrEqual or ComparisonOperator.Greater or ComparisonOperator.GreaterOrEqual
                or ComparisonOperator.In or ComparisonOperator.Intersects,
            ValueKind.Bool or ValueKind.Ip or ValueKind.Net => op is ComparisonOperator.Equal or ComparisonOperator.NotEqual
                or ComparisonOperator.In or ComparisonOperator.Intersects,
            ValueKind.String => op is not (ComparisonOperator.BContains or ComparisonOperator.BStartsWith),
            ValueKind.Bytes => op is ComparisonOperator.Equal or ComparisonOperator.NotEqual or ComparisonOperator.Contains
                or ComparisonOperator.In or ComparisonOperator.StartsWith or ComparisonOperator.EndsWith or ComparisonOperator.Intersects
                or ComparisonOperator.BContains or ComparisonOperator.BStartsWith,
            _ => false,
        };
    }

    private static readonly Dictionary<string, int> s_services = new(StringComparer.Ordinal)
    {
        ["ftp"] = 21, ["ssh"] = 22, ["telnet"] = 23, ["smtp"] = 25, ["domain"] = 53, ["http"] = 80, ["pop3"] = 110,
        ["ntp"] = 123, ["imap"] = 143, ["snmp"] = 161, ["ldap"] = 389, ["https"] = 443, ["smtps"] = 465,
        ["submission"] = 587, ["ldaps"] = 636, ["imaps"] = 993, ["pop3s"] = 995, ["mysql"] = 3306, ["postgresql"] = 5432,
    };

    /// <summary>Parses a numeric literal for a field of <paramref name="type"/>: decimal only, no trailing text.</summary>
    public static bool TryParseInteger(string text, ParamType type, out long value)
    {
        ValueKind kind = KindOf(type);
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            if (kind == ValueKind.Unsigned)
            {
                int bits = UnsignedBits(type);
                if (bits < 64)
                {
                    value &= (1L << bits) - 1;
                }
            }
            return true;
        }
        if (kind == ValueKind.Unsigned && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong unsigned))
        {
            value = unchecked((long)unsigned);
            return true;
        }
        if (type == ParamType.Port && s_services.TryGetValue(text, out int port))
        {
            value = port;
            return true;
        }
        return false;
    }

    public static bool TryParseBool(string text, out long value)
    {
        value = text switch { "true" => 1, "false" => 0, _ => -1 };
        return value >= 0;
    }

    /// <summary>IPv4 when the text has a dot, IPv6 otherwise (as libsinsp decides).</summary>
    public static bool TryParseIp(string text, ParamType type, out IPAddress? address)
    {
        address = null;
        bool v4 = text.Contains('.', StringComparison.Ordinal);
        if ((v4 && !IsDottedQuad(text)) || !IPAddress.TryParse(text, out IPAddress? parsed))
        {
            return false;
        }
        if ((parsed.AddressFamily == AddressFamily.InterNetwork) != v4 || (type == ParamType.Ipv4addr && !v4))
        {
            return false;
        }
        address = parsed;
        return true;
    }

    /// <summary>Exactly four decimal parts 0..255, as <c>inet_pton</c> accepts (no short forms, no leading zeros).</summary>
    internal static bool IsDottedQuad(ReadOnlySpan<char> text)
    {
        int parts = 0;
        foreach (Range range in text.Split('.'))
        {
            ReadOnlySpan<char> part = text[range];
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0') || !byte.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                return false;
            }
            parts++;
        }
        return parts == 4;
    }

    /// <summary><c>a.b.c.d/len</c> (or IPv6); host bits of the literal are ignored, like libsinsp's masked compare.</summary>
    public static bool TryParseNetwork(string text, out IPNetwork network) => NetworkLiteral.TryParse(text, out network);

    /// <summary>A hex string (<c>48545450</c>) as the bytes it denotes, one char per byte.</summary>
    public static bool TryParseHexBytes(string text, out string bytes)
    {
        bytes = "";
        if (text.Length % 2 != 0)
        {
            return false;
        }
        char[] chars = new char[text.Length / 2];
        for (int i = 0; i < chars.Length; i++)
        {
            if (!byte.TryParse(text.AsSpan(i * 2, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b))
            {
                return false;
            }
            chars[i] = (char)b;
        }
        bytes = new string(chars);
        return true;
    }

    /// <summary>Validates a literal for the comparison; returns an error message or null.</summary>
    public static string? Validate(string text, ParamType type, ComparisonOperator op)
    {
        ValueKind kind = KindOf(type);
        if (op is ComparisonOperator.BContains or ComparisonOperator.BStartsWith)
        {
            return TryParseHexBytes(text, out _) ? null : "filter error: bcontains and bstartswith operator support hex strings only";
        }
        switch (kind)
        {
            case ValueKind.String:
                if (text.Contains('\0', StringComparison.Ordinal))
                {
                    return "invalid string value: contains a NUL byte";
                }
                if (op == ComparisonOperator.Regex)
                {
                    return Re2Syntax.Check(text) is { } regexError ? $"invalid regex pattern: {regexError}"
                        : TryCreateRegex(text, out _) ? null : "invalid regex pattern";
                }
                return null;
            case ValueKind.Signed or ValueKind.Unsigned:
                if (type == ParamType.Port && text.StartsWith('-'))
                {
                    return $"unrecognized protocol {text}";
                }
                return TryParseInteger(text, type, out _) ? null : type == ParamType.Port ? $"unrecognized protocol {text}" : $"{text} is not a valid number";
            case ValueKind.Double:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? null : $"{text} is not a valid number";
            case ValueKind.Bool:
                return TryParseBool(text, out _) ? null : $"filter error: unrecognized boolean value {text}";
            case ValueKind.Ip:
                return TryParseIp(text, type, out _) ? null
                    : text.Contains('.', StringComparison.Ordinal) ? $"unrecognized IPv4 address {text}" : $"unrecognized IPv6 address {text}";
            case ValueKind.Net:
                return NetworkLiteral.TryParse(text, out _, out string? netError) ? null : netError;
            default:
                return null;
        }
    }

    /// <summary>RE2-style full match: the pattern must match the whole value.</summary>
    public static bool TryCreateRegex(string pattern, out System.Text.RegularExpressions.Regex? regex)
    {
        try
        {
            regex = new System.Text.RegularExpressions.Regex(@"\A(?:" + pattern + @")\z",
                System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.Compiled,
                TimeSpan.FromSeconds(1));
            return true;
        }
        catch (ArgumentException)
        {
            regex = null;
            return false;
        }
    }
}
