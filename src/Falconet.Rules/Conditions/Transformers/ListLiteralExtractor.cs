using Falconet.Core.Events;
using Falconet.Fields;
using Falconet.State;

namespace Falconet.Rules.Conditions;

/// <summary>
/// A parenthesised transformer argument <c>(a, b, ...)</c>: the values of its items in order, a list field's values
/// spliced in. Absent when any item is absent. The list is a buffer reused from event to event.
/// </summary>
internal sealed class ListLiteralExtractor(FieldExtractor[] items) : FieldExtractor(TransformerField.Descriptor)
{
    private readonly List<string> _values = new(items.Length);

    public override ParamType Type => ParamType.Charbuf;

    public override bool TryExtract(EventContext context, ref FieldValue value)
    {
        _values.Clear();
        foreach (FieldExtractor item in items)
        {
            FieldValue one = default;
            if (!item.TryExtract(context, ref one))
            {
                return false;
            }
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
        }
        value.List = _values;
        value.String = null;
        return true;
    }
}
