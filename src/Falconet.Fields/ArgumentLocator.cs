namespace Falconet.Fields;

/// <summary>Finds the parameter an <c>evt.arg</c>/<c>evt.rawarg</c> argument names, per event type (cached).</summary>
internal sealed class ArgumentLocator
{
    private static readonly Lazy<Dictionary<string, ParamInfo>> s_firstParamByName = new(() =>
    {
        var map = new Dictionary<string, ParamInfo>(StringComparer.Ordinal);
        foreach (EventInfo info in EventTable.All)
        {
            foreach (ParamInfo p in info.Parameters)
            {
                map.TryAdd(p.Name, p);
            }
        }
        return map;
    });

    private readonly string? _name;
    private readonly int _index;
    private readonly short[] _indexByType;

    private ArgumentLocator(string? name, int index, ParamInfo? declared)
    {
        _name = name;
        _index = index;
        DeclaredType = declared?.Type ?? ParamType.Charbuf;
        DeclaredFormat = declared?.Format ?? ParamFormat.Na;
        _indexByType = new short[EventTable.All.Count];
        Array.Fill(_indexByType, (short)-2);
    }

    /// <summary>The type of the first parameter of that name in the event table (what the field compares as).</summary>
    public ParamType DeclaredType { get; }

    public ParamFormat DeclaredFormat { get; }

    /// <summary>The parameter named <paramref name="name"/> in each event type's layout (which need not declare it).</summary>
    public static ArgumentLocator ForName(string name) =>
        new(name, -1, s_firstParamByName.Value.GetValueOrDefault(name));

    public static ArgumentLocator Create(string field, FieldArgument? argument, bool allowIndex)
    {
        if (argument is null || argument.Text.Length == 0)
        {
            throw new FieldArgumentException($"{field} needs an argument: {field}.NAME" + (allowIndex ? $" or {field}[N]" : ""));
        }
        if (argument.IsIndex)
        {
            if (!allowIndex)
            {
                throw new FieldArgumentException($"{field} takes an argument name, not an index: {argument.Text}");
            }
            return new ArgumentLocator(null, argument.Index, null);
        }
        if (!s_firstParamByName.Value.TryGetValue(argument.Text, out ParamInfo? declared))
        {
            throw new FieldArgumentException($"unknown event argument {argument.Text}");
        }
        return new ArgumentLocator(argument.Text, -1, declared);
    }

    /// <summary>The parameter index in <paramref name="evt"/>'s layout, -1 when it has no such parameter.</summary>
    public int Find(ScapEvent evt)
    {
        if (_name is null)
        {
            return _index < evt.ParamCount ? _index : -1;
        }
        short cached = _indexByType[evt.Type];
        if (cached == -2)
        {
            cached = (short)evt.Info.IndexOfParam(_name);
            _indexByType[evt.Type] = cached;
        }
        return cached < evt.ParamCount ? cached : -1;
    }
}
