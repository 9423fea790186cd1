using Falconet.Core.Events;
using Falconet.Fields;
using Falconet.State;

namespace Falconet.Rules.Conditions;

/// <summary>
/// <c>getopt(args, "optstring")</c>: the short options of an argument list as POSIX getopt reads them (stop at
/// <c>--</c> or at the first non-option, long options skipped, clusters such as <c>-ab</c> split, <c>?</c> for an
/// unknown option), each option followed by its value when it takes one; a missing value is <c>""</c>.
/// With a selector (<c>getopt(...)[c]</c>) the value of the last <c>-c</c> (the option itself when it takes no
/// value), absent when there is none.
/// </summary>
internal sealed class GetoptExtractor : FieldExtractor
{
    private static readonly string[] s_oneChar = Enumerable.Range(0, 256).Select(c => ((char)c).ToString()).ToArray();

    private readonly FieldExtractor _arguments;
    private readonly FieldExtractor _optstring;
    private readonly char? _selector;
    private readonly List<string> _results = [];
    private string[] _lastArguments = [];
    private string? _lastOptstring;
    private string? _lastSelected;
    private bool _lastPresent;
    private readonly bool[] _valid = new bool[256];
    private readonly bool[] _takesValue = new bool[256];

    public GetoptExtractor(FieldExtractor arguments, FieldExtractor optstring, char? selector)
        : base(TransformerField.Descriptor)
    {
        _arguments = arguments;
        _optstring = optstring;
        _selector = selector;
    }

    public override ParamType Type => ParamType.Charbuf;

    public override bool TryExtract(EventContext context, ref FieldValue value)
    {
        FieldValue options = default;
        FieldValue args = default;
        if (!_optstring.TryExtract(context, ref options) || options.String is not { } optstring
            || !_arguments.TryExtract(context, ref args) || args.List is not { } argv)
        {
            return false;
        }
        if (!ReferenceEquals(optstring, _lastOptstring) || !SameArguments(argv))
        {
            ReadOptstring(optstring);
            _lastOptstring = optstring;
            _lastArguments = [.. argv];
            _lastPresent = Scan(argv);
        }
        if (!_lastPresent)
        {
            return false;
        }
        value.String = _selector is null ? null : _lastSelected;
        value.List = _selector is null ? _results : null;
        return true;
    }

    private bool SameArguments(IReadOnlyList<string> argv)
    {
        if (argv.Count != _lastArguments.Length)
        {
            return false;
        }
        for (int i = 0; i < argv.Count; i++)
        {
            if (!ReferenceEquals(argv[i], _lastArguments[i]))
            {
                return false;
            }
        }
        return true;
    }

    private void ReadOptstring(string optstring)
    {
        Array.Clear(_valid);
        Array.Clear(_takesValue);
        for (int i = optstring.StartsWith(':') ? 1 : 0; i < optstring.Length; i++)
        {
            char option = optstring[i];
            if (option == ':' || option > 255)
            {
                continue;
            }
            _valid[option] = true;
            if (i + 1 < optstring.Length && optstring[i + 1] == ':')
            {
                _takesValue[option] = true;
                i++;
            }
        }
    }

    /// <summary>Fills the results (list mode) or the selected value; false when a selected option is absent.</summary>
    private bool Scan(IReadOnlyList<string> argv)
    {
        _results.Clear();
        _lastSelected = null;
        for (int index = 0; index < argv.Count; index++)
        {
            string token = argv[index];
            if (token == "--")
            {
                break;
            }
            if (token.Length > 2 && token.StartsWith("--", StringComparison.Ordinal))
            {
                continue;
            }
            if (token.Length < 2 || token[0] != '-')
            {
                break;
            }
            for (int i = 1; i < token.Length; i++)
            {
                char option = token[i];
                if (option > 255 || !_valid[option])
                {
                    if (_selector is null)
                    {
                        _results.Add("?");
                    }
                    continue;
                }
                bool wanted = _selector is null || _selector == option;
                if (!_takesValue[option])
                {
                    if (wanted)
                    {
                        Emit(s_oneChar[option], null);
                    }
                    continue;
                }
                string? optionValue = null;
                if (i + 1 < token.Length)
                {
                    optionValue = token[(i + 1)..];
                }
                else if (index + 1 < argv.Count)
                {
                    optionValue = argv[++index];
                }
                if (wanted)
                {
                    if (optionValue is null)
                    {
                        Emit("", null);
                    }
                    else
                    {
                        Emit(s_oneChar[option], optionValue);
                    }
                }
                break;
            }
        }
        return _selector is null || _lastSelected is not null;
    }

    private void Emit(string option, string? optionValue)
    {
        if (_selector is not null)
        {
            _lastSelected = optionValue ?? option;
            return;
        }
        _results.Add(option);
        if (optionValue is not null)
        {
            _results.Add(optionValue);
        }
    }
}
