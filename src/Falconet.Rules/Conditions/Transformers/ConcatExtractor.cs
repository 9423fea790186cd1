using Falconet.Fields;

namespace Falconet.Rules.Conditions;

/// <summary><c>concat(a, b, ...)</c>: the string arguments one after the other; absent when any argument is.</summary>
internal sealed class ConcatExtractor(FieldExtractor[] arguments) : EachArgumentExtractor(arguments)
{
    private readonly TextBuffer _text = new();

    protected override void Begin() => _text.Clear();

    protected override bool Take(in FieldValue one)
    {
        // A getopt() argument gives a list: libsinsp takes its first value.
        string? text = one.List is { } values ? (values.Count > 0 ? values[0] : null) : one.String;
        if (text is null)
        {
            return false;
        }
        _text.AppendCString(text);
        return true;
    }

    protected override void Complete(ref FieldValue value)
    {
        value.String = _text.Result();
        value.List = null;
    }
}
