namespace Falconet.Rules.Loading;

/// <summary>Thrown inside the loader to stop at the first error, as Falco does; never escapes the loader.</summary>
internal sealed class RuleLoadException(LoadErrorCode code, string message, LoadContext context) : Exception(message)
{
    public LoadErrorCode Code { get; } = code;
    public LoadContext Context { get; } = context;

    public LoadDiagnostic ToDiagnostic() => LoadDiagnostic.Error(Code, Message, Context);
}
