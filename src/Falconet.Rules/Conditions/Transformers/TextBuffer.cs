using System.Text;

namespace Falconet.Rules.Conditions;

/// <summary>
/// Builds transformer results in a reused buffer and hands out the previous string when the text is unchanged, so a
/// value that repeats from event to event (the same process, the same file) allocates nothing.
/// </summary>
internal sealed class TextBuffer
{
    private readonly StringBuilder _builder = new(64);
    private string _last = "";

    public void Clear() => _builder.Clear();

    /// <summary>Appends <paramref name="text"/> up to its first NUL: libsinsp appends values as C strings.</summary>
    public void AppendCString(string text)
    {
        int nul = text.IndexOf('\0', StringComparison.Ordinal);
        _builder.Append(text, 0, nul < 0 ? text.Length : nul);
    }

    public void Append(ReadOnlySpan<char> text) => _builder.Append(text);

    public string Result()
    {
        if (!_builder.Equals(_last.AsSpan()))
        {
            _last = _builder.ToString();
        }
        return _last;
    }
}
