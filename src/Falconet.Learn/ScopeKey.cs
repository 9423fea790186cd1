namespace Falconet.Learn;

/// <summary>
/// Who made a connection, as the exception fields that will name them: for example
/// <c>[container.image.repository] = [nginx]</c>, or nothing at host scope.
/// </summary>
internal sealed class ScopeKey
{
    public static ScopeKey Everyone { get; } = new([], []);

    public ScopeKey(string[] fields, string[] values)
    {
        Fields = fields;
        Values = values;
        Id = string.Join('\u0001', fields.Zip(values, (f, v) => f + "=" + v));
        FieldSet = string.Join(',', fields);
    }

    public string[] Fields { get; }
    public string[] Values { get; }

    /// <summary>Fields and values: equal ids are the same workload.</summary>
    public string Id { get; }

    /// <summary>The fields only: one exception per field set.</summary>
    public string FieldSet { get; }

    public override string ToString() => Fields.Length == 0 ? "host-wide" : string.Join(' ', Fields.Zip(Values, (f, v) => f + "=" + v));
}
