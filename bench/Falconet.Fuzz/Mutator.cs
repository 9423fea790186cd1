using System.Text;

namespace Falconet.Fuzz;

/// <summary>
/// Byte-level mutations in the style of AFL's havoc stage, plus dictionary tokens of the target's language and
/// splices with another seed: one mutant is 1 to 8 stacked steps.
/// </summary>
public sealed class Mutator(Random random, IReadOnlyList<byte[]> dictionary)
{
    private static readonly int[] s_interesting = [0, 1, -1, 2, 3, 4, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, int.MaxValue, int.MinValue];

    /// <summary>A mutant of <paramref name="seed"/>, possibly spliced with <paramref name="other"/>; at most <paramref name="maxLength"/> bytes.</summary>
    public byte[] Mutate(byte[] seed, byte[] other, int maxLength)
    {
        var data = new List<byte>(seed);
        int steps = 1 + random.Next(8);
        for (int s = 0; s < steps; s++)
        {
            Step(data, other);
        }
        if (data.Count > maxLength)
        {
            data.RemoveRange(maxLength, data.Count - maxLength);
        }
        return [.. data];
    }

    private void Step(List<byte> data, byte[] other)
    {
        int count = data.Count;
        switch (random.Next(13))
        {
            case 0 when count > 0:
                data[random.Next(count)] ^= (byte)(1 << random.Next(8));
                break;
            case 1 when count > 0:
                data[random.Next(count)] = (byte)random.Next(256);
                break;
            case 2 when count > 0:
                data[random.Next(count)] = (byte)(data[random.Next(count)] + random.Next(-35, 36));
                break;
            case 3 when count >= 4:
                // An interesting 16- or 32-bit value, little-endian: lengths, counts and offsets live there.
                int value = s_interesting[random.Next(s_interesting.Length)];
                int width = random.Next(2) == 0 ? 2 : 4;
                int at = random.Next(count - width + 1);
                for (int i = 0; i < width; i++)
                {
                    data[at + i] = (byte)(value >> (8 * i));
                }
                break;
            case 4 when count > 0:
                int from = random.Next(count);
                data.RemoveRange(from, Math.Min(count - from, 1 + random.Next(Math.Min(count, 64))));
                break;
            case 5 when count > 0:
                int cut = random.Next(count);
                data.RemoveRange(cut, count - cut);
                break;
            case 6 when count > 0:
                // Duplicate a chunk in place: repeated structure (nesting, repeated blocks).
                int start = random.Next(count);
                int length = Math.Min(count - start, 1 + random.Next(128));
                List<byte> chunk = data.GetRange(start, length);
                int times = 1 + random.Next(random.Next(2) == 0 ? 2 : 32);
                for (int t = 0; t < times; t++)
                {
                    data.InsertRange(start, chunk);
                }
                break;
            case 7 or 8 when dictionary.Count > 0:
                data.InsertRange(random.Next(count + 1), dictionary[random.Next(dictionary.Count)]);
                break;
            case 9 when dictionary.Count > 0 && count > 0:
                byte[] token = dictionary[random.Next(dictionary.Count)];
                int over = random.Next(count);
                data.RemoveRange(over, Math.Min(token.Length, count - over));
                data.InsertRange(over, token);
                break;
            case 10 when other.Length > 0:
                int otherFrom = random.Next(other.Length);
                int otherLength = random.Next(Math.Min(other.Length - otherFrom, 4096) + 1);
                data.InsertRange(random.Next(count + 1), new ArraySegment<byte>(other, otherFrom, otherLength));
                break;
            case 11 when other.Length > 0 && count > 0:
                // Head of this one, tail of the other: AFL's splice.
                int head = random.Next(count);
                int tail = random.Next(other.Length);
                data.RemoveRange(head, count - head);
                data.AddRange(new ArraySegment<byte>(other, tail, Math.Min(other.Length - tail, 65536)));
                break;
            default:
                data.Insert(random.Next(count + 1), (byte)random.Next(256));
                break;
        }
    }

    /// <summary>The UTF-8 bytes of each token.</summary>
    public static IReadOnlyList<byte[]> Tokens(params string[] tokens) => [.. tokens.Select(Encoding.UTF8.GetBytes)];
}
