using System.Text;
using CliWrap;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.MSBuild;

/// <summary>
/// Runs the real <c>dotnet</c> CLI for end-to-end tests: no build servers or node reuse left behind, and
/// a binary log that is kept (copied to artifacts/test-results/binlogs) when the step fails its expectation.
/// </summary>
public static class DotnetRun
{
    public sealed record Result(int ExitCode, string Output, string Binlog);

    public static async Task<Result> RunAsync(string workingDirectory, IReadOnlyList<string> arguments, string? binlogName, CancellationToken cancellationToken)
    {
        var output = new StringBuilder();
        var binlog = binlogName is null ? "" : Path.Combine(workingDirectory, binlogName + ".binlog");
        IReadOnlyList<string> argv = binlogName is null ? arguments : [.. arguments, "-bl:" + binlog];
        var result = await Cli.Wrap("dotnet").WithArguments([.. argv, "--disable-build-servers"])
            .WithWorkingDirectory(workingDirectory)
            .WithEnvironmentVariables(new Dictionary<string, string?>
            {
                ["MSBUILDDISABLENODEREUSE"] = "1",
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["DOTNET_NOLOGO"] = "1",
                // The outer `dotnet test` run's MSBuild settings must not leak into the inner builds.
                ["MSBuildExtensionsPath"] = null,
                ["MSBuildSDKsPath"] = null,
                ["MSBUILD_EXE_PATH"] = null,
            })
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(output))
            .ExecuteAsync(cancellationToken);
        return new Result(result.ExitCode, output.ToString(), binlog);
    }

    /// <summary>Runs <paramref name="assert"/>; when it throws, keeps the step's binary log and says where.</summary>
    public static void KeepBinlogWhenFailing(Result step, Action assert)
    {
        try
        {
            assert();
        }
        catch (Exception e) when (step.Binlog.Length > 0 && File.Exists(step.Binlog))
        {
            Directory.CreateDirectory(RepositoryLayout.KeptBinlogs);
            var kept = Path.Combine(RepositoryLayout.KeptBinlogs, $"{Path.GetFileNameWithoutExtension(step.Binlog)}-{DateTime.UtcNow:yyyyMMddHHmmss}.binlog");
            File.Copy(step.Binlog, kept, overwrite: true);
            throw new InvalidOperationException($"{e.Message}\nbinary log kept: {kept}\n--- what failed ---\n{Failures(step.Output)}\n--- output (tail) ---\n{Tail(step.Output)}", e);
        }
    }

    /// <summary>The lines that say what failed (a failed test, a check's verdict, an error), which a long tail of logs can bury.</summary>
    private static string Failures(string text) => string.Join('\n', text.Split('\n')
        .Where(line => line.Contains("[FAIL]", StringComparison.Ordinal) || line.Contains("FAILED", StringComparison.Ordinal)
            || line.Contains("INCONCLUSIVE", StringComparison.Ordinal) || line.Contains("did not pass", StringComparison.Ordinal)
            || line.Contains(" error ", StringComparison.Ordinal) || line.Contains("FAIL ", StringComparison.Ordinal))
        .Take(60));

    private static string Tail(string text) => text.Length <= 6000 ? text : "…" + text[^6000..];
}
