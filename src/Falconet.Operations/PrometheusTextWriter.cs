using System.Globalization;
using System.Text;

namespace Falconet.Operations;

/// <summary>
/// Prometheus text exposition format 0.0.4: per family a <c># HELP</c> and a <c># TYPE</c> line, then its samples
/// <c>name{label="value",…} number</c>, label values and help text escaped as the format requires.
/// </summary>
public sealed class PrometheusTextWriter(StringBuilder output)
{
    /// <summary>The <c>Content-Type</c> of the format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly HashSet<string> _families = new(StringComparer.Ordinal);

    /// <summary>Starts a family (<c>counter</c> or <c>gauge</c>); each name once per exposition.</summary>
    public void Family(string name, string type, string help)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(help);
        if (!_families.Add(name))
        {
            throw new InvalidOperationException("metric family " + name + " written twice");
        }
        output.Append("# HELP ").Append(name).Append(' ');
        foreach (char c in help)
        {
            _ = c switch
            {
                '\\' => output.Append(@"\\"),
                '\n' => output.Append(@"\n"),
                _ => output.Append(c),
            };
        }
        output.Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    /// <summary>One sample of the current family; <paramref name="labels"/> are name/value pairs.</summary>
    public void Sample(string name, double value, params ReadOnlySpan<(string Name, string Value)> labels)
    {
        output.Append(name);
        if (labels.Length > 0)
        {
            output.Append('{');
            for (int i = 0; i < labels.Length; i++)
            {
                if (i > 0)
                {
                    output.Append(',');
                }
                output.Append(labels[i].Name).Append("=\"");
                foreach (char c in labels[i].Value)
                {
                    _ = c switch
                    {
                        '\\' => output.Append(@"\\"),
                        '"' => output.Append("\\\""),
                        '\n' => output.Append(@"\n"),
                        _ => output.Append(c),
                    };
                }
                output.Append('"');
            }
            output.Append('}');
        }
        output.Append(' ').Append(FormatValue(value)).Append('\n');
    }

    /// <summary>A family with one unlabelled sample.</summary>
    public void Single(string name, string type, string help, double value)
    {
        Family(name, type, help);
        Sample(name, value);
    }

    private static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}
