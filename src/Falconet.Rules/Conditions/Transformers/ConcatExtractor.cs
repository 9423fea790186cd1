using Falconet.Core.Events;
using Falconet.Fields;
using Falconet.State;

namespace Falconet.Rules.Conditions;

/// <summary><c>concat(a, b, ...)</c>: the string arguments one after the other; absent when any argument is.</summary>
internal sealed class ConcatExtractor(FieldExtractor[] arguments) : FieldExtractor(TransformerField.Descriptor)
{
    private readonly TextBuffer _text = new();

    public override ParamType Type => ParamType.Charbuf;

    public override bool TryExtract(EventContext context, ref FieldValue value)
    {
        _text.Clear();
        foreach (FieldExtractor argument in arguments)
        {
            FieldValue one = default;
            if (!argument.TryExtract(context, ref one))
            {
                return false;
            }
            // A getopt() argument gives a list: libsinsp takes its first value.
            string? text = one.List is { } values ? (values.Count > 0 ? values[0] : null) : one.String;
            if (text is null)
            {
                return false;
            }
            _text.AppendCString(text);
        }
        value.String = _text.Result();
        value.List = null;
        return true;
    }
}
