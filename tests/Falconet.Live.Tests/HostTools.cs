using Falconet.TestKit;
using System.Diagnostics;

namespace Falconet.Live.Tests;

/// <summary>What a finished helper command printed.</summary>
public sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() => $"exit {ExitCode}; stdout: {StandardOutput.Trim()}; stderr: {StandardError.Trim()}";
}

/// <summary>Runs the host tools the live tests need (ip, setpriv, a C compiler, kill).</summary>
public static class HostTools
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The live tests run for real with root, kernel BTF and the eBPF probe (built when clang-14, bpftool and
    /// libbpf-dev are installed). Outside CI they skip without one of those, saying which, so that `dotnet test`
    /// passes on a plain .NET machine; under CI=true, which has them all, a missing one fails (see <see cref="Oracle"/>).
    /// </summary>
    public static void SkipUnlessRootWithBtf()
    {
        Oracle.RequireNoReason(LiveSkipReason());
    }

    /// <summary>Null when the live tests can run: root, kernel BTF and the built probe.</summary>
    public static string? LiveSkipReason()
    {
        if (GetEffectiveUid() != 0)
        {
            return "live detection tests need root (they create network namespaces and load eBPF programs)";
        }
        if (!File.Exists("/sys/kernel/btf/vmlinux"))
        {
            return "live detection tests need kernel BTF: /sys/kernel/btf/vmlinux is missing";
        }
        if (!File.Exists(Path.Combine(AppContext.BaseDirectory, "falconet.bpf.o")))
        {
            return "the eBPF probe was not built here (sudo apt-get install -y clang-14 bpftool libbpf-dev make, then rebuild)";
        }
        return null;
    }

    private static uint GetEffectiveUid()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                // Uid: real effective saved filesystem
                return uint.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return uint.MaxValue;
    }

    public static CommandResult Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + file);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(s_timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish within {s_timeout}");
        }
        return new CommandResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    /// <summary>Runs a command that must succeed; its output is in the exception otherwise.</summary>
    public static string Check(string file, params string[] arguments)
    {
        CommandResult result = Run(file, arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed: {result}");
        }
        return result.StandardOutput;
    }

    /// <summary>Finds a program on PATH.</summary>
    public static string? Which(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>Compiles Native/netprobe.c (copied next to the test assembly) with the first C compiler found.</summary>
    public static string BuildNetProbe(string outputDirectory)
    {
        string source = Path.Combine(AppContext.BaseDirectory, "Native", "netprobe.c");
        string compiler = new[] { "cc", "gcc", "clang-14", "clang" }.Select(Which).FirstOrDefault(c => c is not null)
            ?? throw new InvalidOperationException("no C compiler (cc, gcc, clang-14 or clang) on PATH to build the test helper netprobe.c");
        string output = Path.Combine(outputDirectory, "netprobe");
        Check(compiler, "-O2", "-o", output, source);
        return output;
    }

    /// <summary>The audit login uid of this process as Falco prints user.loginuid: -1 when unset.</summary>
    public static long OwnLoginUid()
    {
        uint raw = uint.Parse(File.ReadAllText("/proc/self/loginuid").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        return raw == uint.MaxValue ? -1 : raw;
    }
}
