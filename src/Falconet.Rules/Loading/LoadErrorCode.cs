namespace Falconet.Rules.Loading;

/// <summary>Falco's load error codes (<c>LOAD_ERR_*</c>), in Falco's order.</summary>
public enum LoadErrorCode
{
    FileRead,
    YamlParse,
    YamlValidate,
    CompileCondition,
    CompileOutput,
    Validate,
    Extension,
}
