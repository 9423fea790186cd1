namespace Falconet.Rules.Loading;

/// <summary>Falco's load error codes (<c>LOAD_ERR_*</c>), in Falco's order.</summary>
public enum LoadErrorCode
{
    /// <summary><c>LOAD_ERR_FILE_READ</c>: File read error.</summary>
    FileRead,
    /// <summary><c>LOAD_ERR_YAML_PARSE</c>: YAML parse error.</summary>
    YamlParse,
    /// <summary><c>LOAD_ERR_YAML_VALIDATE</c>: Error validating internal structure of YAML file.</summary>
    YamlValidate,
    /// <summary><c>LOAD_ERR_COMPILE_CONDITION</c>: Error compiling condition.</summary>
    CompileCondition,
    /// <summary><c>LOAD_ERR_COMPILE_OUTPUT</c>: Error compiling output.</summary>
    CompileOutput,
    /// <summary><c>LOAD_ERR_VALIDATE</c>: Error validating rule/macro/list/exception objects.</summary>
    Validate,
    /// <summary><c>LOAD_ERR_EXTENSION</c>: Error in extension item.</summary>
    Extension,
}
