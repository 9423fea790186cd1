using Falconet.Fields;

namespace Falconet.Rules.Loading;

/// <summary>
/// Validates rule exceptions and rewrites them to condition text:
/// <c>(&lt;condition&gt;) and not &lt;ex1&gt; and not &lt;ex2&gt; …</c>. The text is joined before parsing, as in Falco.
/// </summary>
internal static class ExceptionRewriter
{
    private static readonly HashSet<string> s_operators = new(StringComparer.Ordinal)
    {
        "=", "==", "!=", "<", "<=", ">", ">=", "contains", "icontains", "bcontains", "startswith", "bstartswith", "endswith",
        "glob", "iglob", "regex", "in", "intersects", "pmatch", "exists",
    };

    private static readonly HashSet<string> s_stringOperators = new(StringComparer.Ordinal)
    {
        "==", "=", "!=", "glob", "iglob", "contains", "icontains", "bcontains", "startswith", "bstartswith", "endswith", "regex",
    };

    private static readonly HashSet<string> s_listOperators = new(StringComparer.Ordinal) { "in", "intersects", "pmatch" };
    private static readonly string[] s_modifiers = ["oneof", "anyof", "allof"];

    /// <summary>Checks comps/fields as Falco does when a rule with exceptions is defined or appended.</summary>
    /// <param name="exception">The exception as read from the rule.</param>
    /// <param name="fields">The registry to check fields against, or null when the rule's source is unknown.</param>
    public static void Validate(ExceptionInfo exception, FieldRegistry? fields)
    {
        if (exception.Fields.IsList)
        {
            if (!exception.Comps.IsValid)
            {
                exception.Comps = new ExceptionEntry
                {
                    IsValid = true,
                    IsList = true,
                    Items = exception.Fields.Items.Select(_ => ExceptionEntry.Scalar("=")).ToList(),
                };
            }
            if (exception.Fields.Items.Count != exception.Comps.Items.Count)
            {
                throw Error("Fields and comps lists must have equal length", exception.Context);
            }
            foreach (ExceptionEntry comp in exception.Comps.Items)
            {
                string op = comp.Item.Trim();
                if (!s_operators.Contains(op) && !IsModifierOperator(op))
                {
                    throw Error($"'{comp.Item}' is not a supported comparison operator", exception.Context);
                }
            }
            if (fields is not null)
            {
                foreach (ExceptionEntry field in exception.Fields.Items)
                {
                    if (!IsFieldDefined(fields, field.Item))
                    {
                        throw Error($"'{field.Item}' is not a supported filter field", exception.Context);
                    }
                }
            }
        }
        else
        {
            if (!exception.Comps.IsValid)
            {
                exception.Comps = ExceptionEntry.Scalar("in");
            }
            if (exception.Comps.IsList)
            {
                throw Error("Fields and comps must both be strings", exception.Context);
            }
            string op = exception.Comps.Item.Trim();
            if (!s_listOperators.Contains(op) && !IsModifierOperator(op))
            {
                throw Error("When fields is a single value, comps must be one of (in, pmatch, intersects) or a modifier operator (e.g. startswith oneof)",
                    exception.Context);
            }
            if (fields is not null && !IsFieldDefined(fields, exception.Fields.Item))
            {
                throw Error($"'{exception.Fields.Item}' is not a supported filter field", exception.Context);
            }
        }
    }

    /// <summary>
    /// Builds the rule condition with its exceptions; adds each exception field to <paramref name="exceptionFields"/>.
    /// </summary>
    public static string Rewrite(string condition, IReadOnlyList<ExceptionInfo> exceptions, ISet<string> exceptionFields)
    {
        var text = new System.Text.StringBuilder();
        text.Append('(').Append(condition).Append(')');
        foreach (ExceptionInfo exception in exceptions)
        {
            string clause = exception.Fields.IsList ? MultiFieldClause(exception, exceptionFields) : SingleFieldClause(exception, exceptionFields);
            if (clause.Length > 0)
            {
                text.Append(" and not ").Append(clause);
            }
        }
        return text.ToString();
    }

    private static string SingleFieldClause(ExceptionInfo exception, ISet<string> exceptionFields)
    {
        var values = new List<string>();
        foreach (ExceptionEntry value in exception.Values)
        {
            if (value.IsList)
            {
                throw Error("Expected values array to contain a list of strings", exception.Context);
            }
            exceptionFields.Add(exception.Fields.Item);
            values.Add(Quote(value.Item));
        }
        return values.Count == 0 ? "" : $"({exception.Fields.Item} {exception.Comps.Item} ({string.Join(", ", values)}))";
    }

    private static string MultiFieldClause(ExceptionInfo exception, ISet<string> exceptionFields)
    {
        var alternatives = new List<string>();
        foreach (ExceptionEntry tuple in exception.Values)
        {
            if (exception.Fields.Items.Count != tuple.Items.Count)
            {
                throw Error("Fields and values lists must have equal length", exception.Context);
            }
            var checks = new List<string>();
            for (int k = 0; k < exception.Fields.Items.Count; k++)
            {
                string field = exception.Fields.Items[k].Item;
                string op = exception.Comps.Items[k].Item;
                ExceptionEntry slot = tuple.Items[k];
                string value;
                if (slot.IsList)
                {
                    value = "(" + string.Join(", ", slot.Items.Select(v => Quote(v.Item))) + ")";
                }
                else if (IsListOperator(op))
                {
                    value = slot.Item.StartsWith('(') ? slot.Item : "(" + slot.Item + ")";
                }
                else
                {
                    value = Quote(slot.Item);
                }
                checks.Add($" {field} {op} {value}");
                exceptionFields.Add(field);
            }
            alternatives.Add("(" + string.Join(" and", checks) + ")");
        }
        return alternatives.Count == 0 ? "" : "(" + string.Join(" or ", alternatives) + ")";
    }

    /// <summary>Quotes a value containing a space unless it already starts with a quote (Falco's quote_item).</summary>
    internal static string Quote(string value) =>
        value.Contains(' ') && !value.StartsWith('"') && !value.StartsWith('\'') ? "\"" + value + "\"" : value;

    internal static bool IsListOperator(string op) => s_listOperators.Contains(op.Trim()) || IsModifierOperator(op.Trim());

    private static bool IsModifierOperator(string op)
    {
        string[] parts = op.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 2 && s_stringOperators.Contains(parts[0]) && s_modifiers.Contains(parts[1]);
    }

    /// <summary>A field reference as an exception may name it: <c>proc.name</c>, <c>proc.aname[2]</c>, <c>tolower(proc.name)</c>.</summary>
    internal static bool IsFieldDefined(FieldRegistry fields, string text)
    {
        string name = text.Trim();
        // Unwrap transformers: name(inner)
        while (name.EndsWith(')'))
        {
            int open = name.IndexOf('(');
            if (open <= 0)
            {
                return false;
            }
            name = name[(open + 1)..^1].Trim();
        }
        int bracket = name.IndexOf('[');
        if (bracket >= 0)
        {
            if (!name.EndsWith(']'))
            {
                return false;
            }
            name = name[..bracket];
        }
        return fields.TryResolve(name, out _, out _);
    }

    private static RuleLoadException Error(string message, LoadContext context) => new(LoadErrorCode.Validate, message, context);
}
