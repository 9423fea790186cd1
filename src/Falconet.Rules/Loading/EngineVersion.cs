using System.Globalization;

namespace Falconet.Rules.Loading;

/// <summary>A semver <c>major.minor.patch</c> as rules files and plugins use it.</summary>
public readonly record struct EngineVersion(uint Major, uint Minor, uint Patch) : IComparable<EngineVersion>
{
    /// <summary>
    /// The Falco rules engine version Falconet implements (the engine of the Falco we are compatible with:
    /// Falco's engine version header says 0.63.0). <c>required_engine_version</c> must be same major and not newer.
    /// </summary>
    public static EngineVersion Current { get; } = new(0, 63, 0);

    /// <summary>Parses <c>x.y.z</c> like <c>sscanf("%u.%u.%u")</c>: a trailing suffix is ignored.</summary>
    public static bool TryParse(string? text, out EngineVersion version)
    {
        version = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        uint[] parts = new uint[3];
        int position = 0;
        for (int i = 0; i < 3; i++)
        {
            if (i > 0)
            {
                if (position >= text.Length || text[position] != '.')
                {
                    return false;
                }
                position++;
            }
            int start = position;
            while (position < text.Length && char.IsAsciiDigit(text[position]))
            {
                position++;
            }
            if (position == start || !uint.TryParse(text.AsSpan(start, position - start), NumberStyles.None, CultureInfo.InvariantCulture, out parts[i]))
            {
                return false;
            }
        }
        version = new EngineVersion(parts[0], parts[1], parts[2]);
        return true;
    }

    /// <summary>Same major, and this version is at least <paramref name="required"/>.</summary>
    public bool IsCompatibleWith(EngineVersion required) => Major == required.Major && CompareTo(required) >= 0;

    /// <summary>Orders versions component by component.</summary>
    public int CompareTo(EngineVersion other)
    {
        int c = Major.CompareTo(other.Major);
        if (c != 0)
        {
            return c;
        }
        c = Minor.CompareTo(other.Minor);
        return c != 0 ? c : Patch.CompareTo(other.Patch);
    }

    /// <summary>The version as written in rules files.</summary>
    public override string ToString() => $"{Major}.{Minor}.{Patch}";
}
