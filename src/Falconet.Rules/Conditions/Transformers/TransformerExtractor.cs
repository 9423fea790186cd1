using Falconet.Core.Events;
using Falconet.Fields;
using Falconet.State;

namespace Falconet.Rules.Conditions;

/// <summary>
/// A field extractor with a one-argument transformer applied (<c>tolower toupper b64 basename len</c>; b64 decodes).
/// On a list each value is transformed (<c>len</c> counts the values). The last input and output are remembered so
/// that a value held in state (the same string instance event after event) is transformed once, not on every event.
/// </summary>
internal sealed class TransformerExtractor : FieldExtractor
{
    /// <summary>The transformers, resolved from their name once when the condition is compiled.</summary>
    private enum Kind : byte
    {
        ToLower,
        ToUpper,
        Basename,
        Base64,
        Length,
    }

    private readonly Kind _kind;
    private readonly FieldExtractor _inner;
    private readonly ParamType _type;
    private string? _lastInput;
    private string? _lastOutput;
    private readonly List<string> _listOutput = [];

    private TransformerExtractor(Kind kind, FieldExtractor inner, ParamType type)
        : base(inner.Field)
    {
        _kind = kind;
        _inner = inner;
        _type = type;
    }

    public static TransformerExtractor Create(string name, FieldExtractor inner, ParamType innerType)
    {
        Kind kind = name switch
        {
            "tolower" => Kind.ToLower,
            "toupper" => Kind.ToUpper,
            "basename" => Kind.Basename,
            "b64" => Kind.Base64,
            "len" => Kind.Length,
            _ => throw new InvalidOperationException($"unknown transformer {name}"),
        };
        return new(kind, inner, kind == Kind.Length ? ParamType.Uint64 : innerType);
    }

    public override ParamType Type => _type;

    public override bool TryExtract(EventContext context, ref FieldValue value)
    {
        if (!_inner.TryExtract(context, ref value))
        {
            return false;
        }
        if (_kind == Kind.Length)
        {
            // libsinsp counts bytes: text is UTF-8 on the wire, buffers are one char per byte already.
            value.Int = value.List is { } list ? list.Count
                : value.String is not { } text ? 0
                : _inner.Type == ParamType.Bytebuf ? text.Length : System.Text.Encoding.UTF8.GetByteCount(text);
            value.String = null;
            value.List = null;
            return true;
        }
        if (value.List is { } inputs)
        {
            _listOutput.Clear();
            foreach (string item in inputs)
            {
                if (Transform(item) is not { } transformed)
                {
                    return false;
                }
                _listOutput.Add(transformed);
            }
            value.List = _listOutput;
            return true;
        }
        if (value.String is not { } input)
        {
            return false;
        }
        if (ReferenceEquals(input, _lastInput))
        {
            value.String = _lastOutput;
            return _lastOutput is not null;
        }
        string? output = Transform(input);
        _lastInput = input;
        _lastOutput = output;
        value.String = output;
        return output is not null;
    }

    /// <summary>The transformation itself; null when the value cannot be transformed (invalid base64).</summary>
    internal string? Transform(string input) => _kind switch
    {
        Kind.ToLower => Matching.ToAsciiLower(input),
        Kind.ToUpper => string.Create(input.Length, input, static (span, src) =>
        {
            for (int i = 0; i < src.Length; i++)
            {
                span[i] = Matching.AsciiUpper(src[i]);
            }
        }),
        Kind.Basename => input[(input.LastIndexOf('/') + 1)..],
        Kind.Base64 => DecodeBase64(input),
        _ => throw new InvalidOperationException($"transformer {_kind} has no string form"),
    };

    private static string? DecodeBase64(string input)
    {
        try
        {
            byte[] bytes = Convert.FromBase64String(input);
            // Bytes map one-to-one to chars so buffers compare byte-wise.
            return string.Create(bytes.Length, bytes, static (span, src) =>
            {
                for (int i = 0; i < src.Length; i++)
                {
                    span[i] = (char)src[i];
                }
            });
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
