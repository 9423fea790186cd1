using Falconet.Rules.Conditions;
using Falconet.Rules.Loading;

namespace Falconet.Benchmarks;

/// <summary>A rule's expanded condition, compiled the way the engine compiles it.</summary>
public sealed record BenchmarkCondition(string Key, string RuleName, CompiledCondition Condition, IReadOnlySet<ushort> EventTypes);

/// <summary>The conditions the condition benchmark evaluates: the flagship rule and a few official rules.</summary>
public static class BenchmarkConditions
{
    public const string FlagshipKey = "flagship";

    /// <summary>Benchmark parameter values: <c>flagship</c>, then one short key per official rule.</summary>
    private static readonly string[] s_keys = [FlagshipKey, "read_sensitive_file_untrusted", "run_shell_untrusted", "search_private_keys", "ssh_non_standard_port"];

    public static IReadOnlyList<string> Keys => s_keys;

    public static BenchmarkCondition Load(string key)
    {
        int index = Array.IndexOf(s_keys, key);
        if (index < 0)
        {
            throw new ArgumentException($"unknown condition key '{key}'", nameof(key));
        }
        return index == 0
            ? Compile(key, BenchmarkInputs.LoadRules(BenchmarkInputs.FlagshipRulesPath), BenchmarkInputs.FlagshipRuleName)
            : Compile(key, BenchmarkInputs.LoadRules(BenchmarkInputs.OfficialRulesPath), BenchmarkInputs.OfficialRuleNames[index - 1]);
    }

    public static IReadOnlyList<BenchmarkCondition> LoadAll()
    {
        RuleSet flagship = BenchmarkInputs.LoadRules(BenchmarkInputs.FlagshipRulesPath);
        RuleSet official = BenchmarkInputs.LoadRules(BenchmarkInputs.OfficialRulesPath);
        var all = new List<BenchmarkCondition> { Compile(FlagshipKey, flagship, BenchmarkInputs.FlagshipRuleName) };
        for (int i = 0; i < BenchmarkInputs.OfficialRuleNames.Count; i++)
        {
            all.Add(Compile(Keys[i + 1], official, BenchmarkInputs.OfficialRuleNames[i]));
        }
        return all;
    }

    private static BenchmarkCondition Compile(string key, RuleSet rules, string ruleName)
    {
        CompiledRule rule = rules.FindRule(ruleName)
            ?? throw new BenchmarkInputException($"rule '{ruleName}' is not in the loaded rules");
        CompiledCondition condition = new ConditionCompiler().Compile(rule.Condition);
        return new BenchmarkCondition(key, ruleName, condition, rule.EventTypes.ToHashSet());
    }
}
