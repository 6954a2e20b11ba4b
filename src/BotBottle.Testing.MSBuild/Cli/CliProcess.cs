using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace BotBottle.Testing.MSBuild.Cli;

/// <summary>
/// Runs the botbottle CLI (<c>dotnet botbottle.dll …</c>), hands its output lines to the caller on the
/// task's own thread, and on <see cref="Cancel"/> asks it to stop with SIGTERM so it tears its bottle down,
/// killing it only when it has not finished after the grace period.
/// </summary>
internal sealed class CliProcess
{
    private volatile bool _cancelled;

    public bool Cancelled => _cancelled;

    /// <summary>The dotnet host that runs the CLI: the one running this build when known, else dotnet on PATH.</summary>
    public static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host! : "dotnet";
    }

    /// <summary>The running CLI's process id (null before it starts and after it ends).</summary>
    public int? ProcessId { get; private set; }

    /// <summary>
    /// The argv head that runs <paramref name="cliPath"/>: <c>dotnet exec botbottle.dll</c> for the packaged
    /// CLI, the path itself for an executable (an apphost, or a stand-in).
    /// </summary>
    public static IReadOnlyList<string> Launcher(string cliPath) =>
        cliPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? [DotnetHost(), "exec", cliPath] : [cliPath];

    public void Cancel() => _cancelled = true;

    /// <summary>Runs <paramref name="argv"/> (argv[0] the executable) and returns its exit code.</summary>
    public int Run(IReadOnlyList<string> argv, IDictionary<string, string> environment, Action<string, bool> onLine, TimeSpan teardownGrace, Action<string> onCancel)
    {
        var start = new ProcessStartInfo(argv[0], ArgumentQuoting.Join(argv.Skip(1)))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var pair in environment)
        {
            start.EnvironmentVariables[pair.Key] = pair.Value;
        }

        var lines = new ConcurrentQueue<KeyValuePair<string, bool>>();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lines.Enqueue(new(e.Data, false)); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lines.Enqueue(new(e.Data, true)); } };
        process.Start();
        ProcessId = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        DateTime? killAt = null;
        while (!process.WaitForExit(100))
        {
            Drain(lines, onLine);
            if (_cancelled && killAt is null)
            {
                onCancel($"cancelled: asking botbottle (pid {process.Id}) to tear its bottle down");
                Terminate(process);
                killAt = DateTime.UtcNow + teardownGrace;
            }
            else if (killAt is { } deadline && DateTime.UtcNow > deadline)
            {
                onCancel($"botbottle did not finish tearing down within {teardownGrace.TotalSeconds:0} s; killing it (the next launch sweeps what it left)");
                process.Kill();
                killAt = DateTime.MaxValue;
            }
        }

        process.WaitForExit();
        Drain(lines, onLine);
        ProcessId = null;
        return process.ExitCode;
    }

    private static void Drain(ConcurrentQueue<KeyValuePair<string, bool>> lines, Action<string, bool> onLine)
    {
        while (lines.TryDequeue(out var line))
        {
            onLine(line.Key, line.Value);
        }
    }

    private static void Terminate(Process process)
    {
        if (Environment.OSVersion.Platform is PlatformID.Unix or PlatformID.MacOSX)
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", "-TERM " + process.Id) { UseShellExecute = false, CreateNoWindow = true });
            kill?.WaitForExit(5000);
        }
        else
        {
            // Windows has no SIGTERM for a console child: kill it; its labelled resources are swept by the next launch.
            process.Kill();
        }
    }
}
