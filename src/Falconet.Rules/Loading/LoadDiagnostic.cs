namespace Falconet.Rules.Loading;

/// <summary>One error or warning of a rules load, with Falco's code, message and context chain.</summary>
public sealed class LoadDiagnostic
{
    private LoadDiagnostic(LoadErrorCode? errorCode, LoadWarningCode? warningCode, string message, LoadContext context, string? deprecatedField)
    {
        ErrorCode = errorCode;
        WarningCode = warningCode;
        Message = message;
        Context = context;
        DeprecatedField = deprecatedField;
    }

    /// <summary>An error that stops the load.</summary>
    public static LoadDiagnostic Error(LoadErrorCode code, string message, LoadContext context) => new(code, null, message, context, null);

    /// <summary>A warning; <paramref name="deprecatedField"/> names the deprecated field it is about, if any.</summary>
    public static LoadDiagnostic Warning(LoadWarningCode code, string message, LoadContext context, string? deprecatedField = null) =>
        new(null, code, message, context, deprecatedField);

    /// <summary>Whether it is an error (the load failed).</summary>
    public bool IsError => ErrorCode.HasValue;

    /// <summary>The code, for errors.</summary>
    public LoadErrorCode? ErrorCode { get; }
    /// <summary>The code, for warnings.</summary>
    public LoadWarningCode? WarningCode { get; }

    /// <summary>The code as Falco prints it, e.g. <c>LOAD_ERR_COMPILE_CONDITION</c> or <c>LOAD_UNUSED_LIST</c>.</summary>
    public string Code => ErrorCode is { } e ? LoadCodes.Code(e) : LoadCodes.Code(WarningCode!.Value);

    /// <summary>The short text of the code ("Error compiling condition", "Unused list").</summary>
    public string CodeText => ErrorCode is { } e ? LoadCodes.Text(e) : LoadCodes.Text(WarningCode!.Value);

    /// <summary>
    /// The JSON <c>codedesc</c>: Falco gives errors their short text and warnings their long description.
    /// </summary>
    public string CodeDescription => ErrorCode is { } e ? LoadCodes.Text(e) : LoadCodes.Description(WarningCode!.Value);

    /// <summary>The message, in Falco's words where Falco has them.</summary>
    public string Message { get; }
    /// <summary>Where it happened.</summary>
    public LoadContext Context { get; }

    /// <summary>For deprecated-field warnings (<c>evt.dir</c> …): the field.</summary>
    public string? DeprecatedField { get; }

    /// <summary>One line for logs: <c>file:line:col: CODE (text): message [rule 'x']</c>, 1-based positions.</summary>
    public override string ToString()
    {
        (int line, int column) = Context.FilePosition;
        string item = Context.Item is { } i ? $" [{LoadCodes.ItemTypeText(i.Type)} '{i.Name}']" : "";
        return $"{Context.FileName}:{line}:{column}: {Code} ({CodeText}): {Message}{item}";
    }
}
