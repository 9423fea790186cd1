using Falconet.Core.Events;
using Falconet.Fields;
using Falconet.State;

namespace Falconet.Rules.Conditions;

/// <summary><c>join(sep, list)</c>: the list's values with the separator between them (<c>""</c> for an empty list).</summary>
internal sealed class JoinExtractor(FieldExtractor separator, FieldExtractor list) : FieldExtractor(TransformerField.Descriptor)
{
    private readonly TextBuffer _text = new();

    public override ParamType Type => ParamType.Charbuf;

    public override bool TryExtract(EventContext context, ref FieldValue value)
    {
        FieldValue sep = default;
        FieldValue items = default;
        if (!separator.TryExtract(context, ref sep) || sep.String is not { } separatorText || !list.TryExtract(context, ref items))
        {
            return false;
        }
        _text.Clear();
        if (items.List is { } values)
        {
            for (int i = 0; i < values.Count; i++)
            {
                if (i > 0)
                {
                    _text.Append(separatorText);
                }
                _text.AppendCString(values[i]);
            }
        }
        else if (items.String is { } single)
        {
            _text.AppendCString(single);
        }
        value.String = _text.Result();
        value.List = null;
        return true;
    }
}
