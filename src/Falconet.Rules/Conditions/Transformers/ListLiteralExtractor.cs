using Falconet.Fields;

namespace Falconet.Rules.Conditions;

/// <summary>
/// A parenthesised transformer argument <c>(a, b, ...)</c>: the values of its items in order, a list field's values
/// spliced in. Absent when any item is absent. The list is a buffer reused from event to event.
/// </summary>
internal sealed class ListLiteralExtractor(FieldExtractor[] items) : EachArgumentExtractor(items)
{
    private readonly List<string> _values = new(items.Length);

    protected override void Begin() => _values.Clear();

    protected override bool Take(in FieldValue one)
    {
        if (one.List is { } list)
        {
            _values.AddRange(list);
        }
        else if (one.String is { } text)
        {
            _values.Add(text);
        }
        else
        {
            return false;
        }
        return true;
    }

    protected override void Complete(ref FieldValue value)
    {
        value.List = _values;
        value.String = null;
    }
}
