using System.Net;
using CsCheck;
using Falconet.Rules.Conditions;

namespace Falconet.Rules.Tests.Conditions;

/// <summary>Random conditions over the test fields and random events: the compiled evaluators agree with the interpreter.</summary>
public sealed class PropertyTests
{
    // Literals exclude "": Falco prints an empty value as nothing, so such a canonical form does not re-parse.
    private static readonly string[] s_literals = ["a", "ab", "Ab", "b a", "/opt/x", "/opt", "x*", "a=b", "A\"b"];
    private static readonly string[] s_strings = ["", "a", "ab", "Ab", "b a", "/opt/x", "/opt", "x*", "a=b", "A\"b", "-a", "-bx", "-b", "--"];
    private static readonly string[] s_ips = ["10.0.0.1", "10.0.0.2", "192.168.1.1", "::1"];
    private static readonly string[] s_nets = ["10.0.0.0/8", "10.0.0.0/31", "192.168.0.0/16", "::/1", "::1/128"];

    private static T Pick<T>(Random random, T[] pool) => pool[random.Next(pool.Length)];

    private static string Quote(string value) => ConditionPrinter.Escape(value) is { Length: > 0 } escaped ? escaped : "\"\"";

    private static string StringCheck(Random random)
    {
        // Transformers of every kind on the left, nested, over fields, literals and lists.
        string field = random.Next(10) switch
        {
            0 or 1 => "test.str",
            2 => "test.path",
            3 => "tolower(test.str)",
            4 => "toupper(basename(test.path))",
            5 => "concat(test.str, \"/\", test.str2)",
            6 => "join(\",\", (test.str, test.list, \"x\"))",
            7 => "join(\" \", test.list)",
            8 => "getopt(test.list, \"ab:\")[b]",
            _ => "tolower(concat(test.str, 'A'))",
        };
        string op = Pick(random, ["=", "!=", "contains", "icontains", "startswith", "endswith", "glob", "iglob", "in", "pmatch", "intersects", "exists", "= oneof", "contains anyof", "startswith allof"]);
        if (op == "exists")
        {
            return field + " exists";
        }
        if (op is "in" or "pmatch" or "intersects" || op.Contains(' ', StringComparison.Ordinal))
        {
            int n = random.Next(4);
            return $"{field} {op} ({string.Join(", ", Enumerable.Range(0, n).Select(_ => Quote(Pick(random, s_literals))))})";
        }
        return random.Next(4) switch
        {
            0 => $"{field} {op} val(test.str2)",
            1 => $"{field} {op} {Pick(random, ["toupper(test.str2)", "concat(test.str2, test.str)", "join(\"\", test.list)"])}",
            _ => $"{field} {op} {Quote(Pick(random, s_literals))}",
        };
    }

    private static readonly string[] s_modifiers = ["= oneof", "!= oneof", "= anyof", "!= anyof", "== allof", "!= allof"];

    private static string Values(Random random, Func<string> value) =>
        "(" + string.Join(", ", Enumerable.Range(0, random.Next(4)).Select(_ => value())) + ")";

    /// <summary>A scalar check with one of <paramref name="scalarOps"/>, or a list one (<c>in</c> or a modifier).</summary>
    private static string Typed(Random random, string field, string[] scalarOps, Func<string> value) => random.Next(2) == 0
        ? $"{field} {Pick(random, scalarOps)} {value()}"
        : $"{field} {Pick(random, ["in", .. s_modifiers])} {Values(random, value)}";

    private static string Check(Random random) => random.Next(11) switch
    {
        0 or 1 => StringCheck(random),
        2 => $"test.num {Pick(random, ["=", "!=", "<", "<=", ">", ">="])} {random.Next(-3, 4)}",
        3 => $"test.unum {Pick(random, ["=", "!=", "<", ">="])} {random.Next(-2, 3)}",
        4 => random.Next(2) == 0
            ? $"test.ip {Pick(random, ["=", "!="])} {Pick(random, s_ips)}"
            : $"test.ip {Pick(random, s_modifiers)} {Values(random, () => Pick(random, s_ips))}",
        5 => random.Next(2) == 0
            ? $"test.{Pick(random, ["net", "enet"])} {Pick(random, ["=", "!="])} {Pick(random, s_nets)}"
            : $"test.{Pick(random, ["net", "enet"])} {Pick(random, [.. s_modifiers, "in", "intersects"])} {Values(random, () => Pick(random, s_nets))}",
        6 => random.Next(3) switch
        {
            0 => $"test.eip {Pick(random, ["=", "!="])} {Pick(random, s_ips)}",
            1 => $"test.eip {Pick(random, [.. s_modifiers, "in"])} {Values(random, () => Pick(random, s_ips))}",
            _ => $"test.eip in ({Pick(random, s_ips)}, {Pick(random, s_ips)})",
        },
        // Modifiers on numbers, booleans and ports, one end and either end.
        7 => $"test.{Pick(random, ["num", "unum"])} {Pick(random, s_modifiers)} {Values(random, () => random.Next(-2, 3).ToString(System.Globalization.CultureInfo.InvariantCulture))}",
        8 => Typed(random, "test.flag", ["=", "!="], () => Pick(random, ["true", "false"])),
        9 => Typed(random, $"test.{Pick(random, ["port", "eport"])}", ["=", "!=", "<", ">="], () => Pick(random, ["53", "80", "0"])),
        _ => $"test.{Pick(random, ["list", "anc"])} {Pick(random, ["in", "intersects"])} ({Quote(Pick(random, s_literals))}, {Quote(Pick(random, s_literals))})",
    };

    private static string Condition(Random random, int depth)
    {
        if (depth == 0 || random.Next(3) == 0)
        {
            return Check(random);
        }
        return random.Next(3) switch
        {
            0 => $"not ({Condition(random, depth - 1)})",
            1 => $"({Condition(random, depth - 1)} and {Condition(random, depth - 1)})",
            _ => $"({Condition(random, depth - 1)} or {Condition(random, depth - 1)})",
        };
    }

    private static IPAddress? MaybeIp(Random random) => random.Next(5) == 0 ? null : IPAddress.Parse(Pick(random, s_ips));

    private static TestEvent RandomEvent(Random random) => new()
    {
        Str = random.Next(6) == 0 ? null : Pick(random, s_strings),
        Path = random.Next(6) == 0 ? null : Pick(random, s_strings),
        Num = random.Next(6) == 0 ? null : random.Next(-3, 4),
        UNum = random.Next(6) == 0 ? null : random.Next(3) == 0 ? 4294967295 : random.Next(0, 3),
        Ip = MaybeIp(random),
        Port = random.Next(5) == 0 ? null : Pick(random, [53, 80, 0]),
        Flag = random.Next(5) == 0 ? null : random.Next(2) == 0,
        ClientPort = random.Next(4) == 0 ? null : Pick(random, [53, 80, 0]),
        ServerPort = random.Next(4) == 0 ? null : Pick(random, [53, 80, 0]),
        ClientIp = MaybeIp(random),
        ServerIp = MaybeIp(random),
        List = random.Next(4) == 0 ? null : Enumerable.Range(0, random.Next(3)).Select(_ => Pick(random, s_strings)).ToArray(),
        Ancestors = random.Next(4) == 0 ? null : Enumerable.Range(0, random.Next(3)).Select(_ => Pick(random, s_strings)).ToArray(),
    };

    [Fact]
    public void Compiled_agrees_with_interpreted_on_random_conditions_and_events()
    {
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var fields = new TestFields();
            string text = Condition(random, 3);
            if (!ConditionParser.TryParse(text, out ConditionNode? parsed, out ConditionSyntaxError? error))
            {
                Assert.Fail($"generated condition does not parse ({error!.Describe()}): {text}");
            }
            CompiledCondition compiled = new ConditionCompiler(fields.Registry).Compile(parsed!);
            // Printing is stable: once re-parsed (which folds a printed `not not`), the canonical form is a fixed point.
            string canonical = ConditionParser.Parse(compiled.Source.ToString()).ToString();
            Assert.Equal(canonical, ConditionParser.Parse(canonical).ToString());
            for (int i = 0; i < 8; i++)
            {
                fields.Event = RandomEvent(random);
                bool expected = compiled.Interpret(fields.Context);
                bool actual = compiled.Evaluate(fields.Context);
                Assert.True(expected == actual, $"seed {seed}: '{text}' interpreted {expected}, compiled {actual}");
            }
        }, iter: 3000, threads: 1);
    }
}
