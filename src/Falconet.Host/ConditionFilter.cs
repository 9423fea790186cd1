using Falconet.Fields;
using Falconet.Rules.Conditions;
using Falconet.State;

namespace Falconet.Host;

/// <summary>A one-off Falco condition (e.g. <c>inspect -f</c>), compiled like a rule's, without macros or lists.</summary>
public static class ConditionFilter
{
    /// <summary>Compiles a <c>-f</c>/<c>--filter</c> condition for inspect; a bad condition is a user-facing error.</summary>
    public static Func<EventContext, bool> Compile(string condition) => CompileCondition(condition).Evaluate;

    /// <summary>Compiles <paramref name="condition"/> and keeps the compiled form (its event types, for live capture).</summary>
    public static CompiledCondition CompileCondition(string condition)
    {
        try
        {
            return new ConditionCompiler(FieldRegistry.Default).Compile(condition);
        }
        catch (ConditionSyntaxError e)
        {
            throw new UserFacingException($"invalid filter: {e.Message}");
        }
        catch (ConditionCompileError e)
        {
            throw new UserFacingException($"invalid filter: {e.Message}");
        }
    }
}
