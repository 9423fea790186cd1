using System.Text.Json;

namespace Falconet.Learn.Tests;

/// <summary>Runs of the built command for the learn tests: learning, replaying with the learned file, validating.</summary>
internal static class LearnRun
{
    public const string Flagship = "Unexpected outbound connection destination";

    public static ProcessResult Learn(params string[] arguments) => FalconetProcess.Run(["learn", .. arguments]);

    /// <summary>Learns and asserts success; returns the learned file's text.</summary>
    public static string LearnFile(string output, params string[] arguments)
    {
        ProcessResult run = Learn([.. arguments, "-w", output]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return File.ReadAllText(output);
    }

    /// <summary>The flagship alerts of a replay with the built-in rules and <paramref name="learned"/>.</summary>
    public static List<JsonElement> FlagshipAlerts(string capture, string learned)
    {
        ProcessResult run = FalconetProcess.Run("-r", "<builtin>", "-r", learned, "-e", capture, "-o", "json_output=true");
        Assert.True(run.ExitCode == 0, run.ToString());
        return [.. run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .Where(a => a.GetProperty("rule").GetString() == Flagship)];
    }

    public static string Field(JsonElement alert, string name) => alert.GetProperty("output_fields").GetProperty(name).ToString();

    public static void AssertValid(string learned)
    {
        ProcessResult run = FalconetProcess.Run("-V", "<builtin>", "-V", learned);
        Assert.True(run.ExitCode == 0 && run.StandardOutput.Contains(Path.GetFileName(learned) + ": Ok", StringComparison.Ordinal), run.ToString());
    }
}
