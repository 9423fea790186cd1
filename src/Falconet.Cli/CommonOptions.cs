using System.CommandLine;

namespace Falconet.Cli;

/// <summary>The options several commands share (<c>-c</c>, <c>-o</c>), spelled once, and how options join a command.</summary>
internal static class CommonOptions
{
    /// <summary><c>-c FILE</c>: the configuration file.</summary>
    public static Option<string?> ConfigFile(string description) => new("-c") { Description = description, HelpName = "FILE" };

    /// <summary><c>-o KEY=VALUE</c>, repeatable: overrides of configuration keys.</summary>
    public static Option<string[]> Overrides(string description = "Override a configuration key: key=value.") =>
        new("-o", "--option") { Description = description, HelpName = "KEY=VALUE" };

    /// <summary>Adds <paramref name="options"/> to <paramref name="command"/> in the order given (the order of the help).</summary>
    public static void Add(Command command, params Option[] options)
    {
        foreach (Option option in options)
        {
            command.Options.Add(option);
        }
    }
}
