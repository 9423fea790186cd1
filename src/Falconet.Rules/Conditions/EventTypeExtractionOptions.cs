namespace Falconet.Rules.Conditions;

/// <summary>Variations of <see cref="EventTypeExtraction"/>.</summary>
public sealed record EventTypeExtractionOptions
{
    /// <summary>Falco's plain algorithm (negations to the leaves, and intersects, or unites).</summary>
    public static EventTypeExtractionOptions Default { get; } = new();

    /// <summary>
    /// What Falco 0.44.1 computes (its <c>-L</c> <c>events</c> lists): a positive <c>evt.type</c> check also admits
    /// <c>asyncevent</c>, and <c>evt.num</c> checks do not restrict (its <c>never_true</c> macro, <c>evt.num=0</c>,
    /// lists every event).
    /// </summary>
    public static EventTypeExtractionOptions Falco { get; } = new() { PositiveTypeAdmitsAsyncEvent = true, NeverTrueEventNumberIsEmpty = false };

    /// <summary>
    /// A check that <c>evt.type</c> is one of some names also admits <c>asyncevent</c>: async events carry a name that
    /// is only known at run time, so they may report any of them.
    /// </summary>
    public bool PositiveTypeAdmitsAsyncEvent { get; init; }

    /// <summary><c>evt.num = 0</c> and its equivalents can never hold, so they give the empty set.</summary>
    public bool NeverTrueEventNumberIsEmpty { get; init; } = true;
}
