namespace Falconet.Rules.Conditions;

/// <summary>The ordering operators on a comparison result, shared by the matchers, field-to-field checks and the interpreter.</summary>
internal static class Ordering
{
    /// <summary>Whether <paramref name="op"/> is one of <c>= != &lt; &lt;= &gt; &gt;=</c>.</summary>
    public static bool IsOrdering(ComparisonOperator op) => op is ComparisonOperator.Equal or ComparisonOperator.NotEqual
        or ComparisonOperator.Less or ComparisonOperator.LessOrEqual or ComparisonOperator.Greater or ComparisonOperator.GreaterOrEqual;

    /// <summary>Whether <c>a op b</c> holds given <c>cmp = a.CompareTo(b)</c>; false for operators that are not orderings.</summary>
    public static bool Holds(ComparisonOperator op, int cmp) => op switch
    {
        ComparisonOperator.Equal => cmp == 0,
        ComparisonOperator.NotEqual => cmp != 0,
        ComparisonOperator.Less => cmp < 0,
        ComparisonOperator.LessOrEqual => cmp <= 0,
        ComparisonOperator.Greater => cmp > 0,
        ComparisonOperator.GreaterOrEqual => cmp >= 0,
        _ => false,
    };
}
