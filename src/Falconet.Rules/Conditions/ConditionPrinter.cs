using System.Text;
using Falconet.Core.Text;

namespace Falconet.Rules.Conditions;

/// <summary>
/// The canonical string form of a condition: what Falco's describe output shows
/// as <c>condition_compiled</c>. <c>and</c>/<c>or</c> are parenthesised, <c>not</c> is not; values
/// are quoted only when they contain a blank, <c>=</c>, a quote, a backslash or a control character.
/// </summary>
public static class ConditionPrinter
{
    /// <summary>The condition in canonical text form; parsing it again gives the same tree.</summary>
    public static string Print(ConditionNode node)
    {
        var builder = new StringBuilder();
        Append(builder, node);
        return builder.ToString();
    }

    /// <summary>One operand or value in canonical text form.</summary>
    public static string PrintExpression(ExpressionNode node)
    {
        var builder = new StringBuilder();
        Append(builder, node);
        return builder.ToString();
    }

    /// <summary>The canonical spelling of a list modifier.</summary>
    public static string ModifierText(ListModifier modifier) => modifier switch
    {
        ListModifier.OneOf => "oneof",
        ListModifier.AnyOf => "anyof",
        ListModifier.AllOf => "allof",
        _ => "",
    };

    private static void Append(StringBuilder builder, ConditionNode node)
    {
        switch (node)
        {
            case AndNode and:
                AppendJoined(builder, and.Children, " and ");
                break;
            case OrNode or:
                AppendJoined(builder, or.Children, " or ");
                break;
            case NotNode not:
                builder.Append("not ");
                Append(builder, not.Operand);
                break;
            case MacroRefNode macro:
                builder.Append(macro.Name);
                break;
            case UnaryCheckNode unary:
                Append(builder, unary.Field);
                builder.Append(' ').Append(UnaryCheckNode.ExistsOperator);
                break;
            case BinaryCheckNode binary:
                Append(builder, binary.Left);
                builder.Append(' ').Append(binary.OperatorText).Append(' ');
                if (binary.Modifier != ListModifier.None)
                {
                    builder.Append(ModifierText(binary.Modifier)).Append(' ');
                }
                Append(builder, binary.Right);
                break;
            default:
                throw new ArgumentException($"unknown condition node {node.GetType().Name}", nameof(node));
        }
    }

    private static void AppendJoined(StringBuilder builder, IReadOnlyList<ConditionNode> children, string separator)
    {
        builder.Append('(');
        for (int i = 0; i < children.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(separator);
            }
            Append(builder, children[i]);
        }
        builder.Append(')');
    }

    private static void Append(StringBuilder builder, ExpressionNode node, bool inTransformer = false)
    {
        switch (node)
        {
            // Inside a transformer call a string is only a string when quoted: keep the quotes so the form re-parses.
            case ValueNode { WasQuoted: true } value when inTransformer:
                builder.Append('"').Append(value.Value.Replace("\\", "\\\\", StringComparison.Ordinal)
                    .Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
                break;
            case FieldRefNode field:
                builder.Append(field.Name);
                AppendArgument(builder, field.Argument);
                break;
            case TransformerNode transformer:
                builder.Append(transformer.Name).Append('(');
                for (int i = 0; i < transformer.Arguments.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(',');
                    }
                    Append(builder, transformer.Arguments[i], inTransformer: true);
                }
                builder.Append(')');
                AppendArgument(builder, transformer.Argument);
                break;
            case ValueNode value:
                AppendEscaped(builder, value.Value);
                break;
            case ListValueNode list:
                builder.Append('(');
                for (int i = 0; i < list.Items.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }
                    Append(builder, list.Items[i], inTransformer);
                }
                builder.Append(')');
                break;
            default:
                throw new ArgumentException($"unknown expression node {node.GetType().Name}", nameof(node));
        }
    }

    private static void AppendArgument(StringBuilder builder, string? argument)
    {
        if (argument is null)
        {
            return;
        }
        builder.Append('[');
        if (argument.Length == 0)
        {
            builder.Append("\"\"");
        }
        else
        {
            AppendEscaped(builder, argument);
        }
        builder.Append(']');
    }

    /// <summary>Appends <paramref name="value"/> bare, or double-quoted with escapes when it needs quoting.</summary>
    public static void AppendEscaped(StringBuilder builder, string value)
    {
        if (!NeedsQuotes(value))
        {
            builder.Append(value);
            return;
        }
        builder.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                // A NUL would end the string in libsinsp; print it back in its escaped form so it re-parses.
                case '\0': builder.Append("\\x00"); break;
                default:
                    if (ShortEscapes.Of(c) is { } shortEscape)
                    {
                        builder.Append(shortEscape);
                    }
                    else
                    {
                        builder.Append(c);
                    }
                    break;
            }
        }
        builder.Append('"');
    }

    /// <summary>A value as it must be written in a condition: bare when it can be, otherwise quoted and escaped.</summary>
    public static string Escape(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        AppendEscaped(builder, value);
        return builder.ToString();
    }

    private static bool NeedsQuotes(string value)
    {
        foreach (char c in value)
        {
            if (c is ' ' or '=' or '\'' or '"' or '\\' or '\b' or '\f' or '\n' or '\r' or '\t' or '\0')
            {
                return true;
            }
        }
        return false;
    }
}
