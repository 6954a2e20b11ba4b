using System.Diagnostics;
using System.Text;
using BotBottle.Testing.Diagnostics;
using CliWrap;
using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Processes;

/// <summary>
/// Runs a host executable with argv elements passed as they are (no shell), buffered output,
/// cancellation that kills the process, and a redacted log line.
/// </summary>
internal sealed class HostCommand
{
    private readonly string _executable;
    private readonly IReadOnlyDictionary<string, string?> _environment;
    private readonly ILogger _logger;

    /// <summary>Creates a runner for <paramref name="executable"/> with extra environment for the child.</summary>
    public HostCommand(string executable, IReadOnlyDictionary<string, string?> environment, ILogger logger)
    {
        _executable = executable;
        _environment = environment;
        _logger = logger;
    }

    /// <summary>The executable's path.</summary>
    public string Executable => _executable;

    /// <summary>The extra environment given to every child.</summary>
    public IReadOnlyDictionary<string, string?> Environment => _environment;

    /// <summary>Runs with <paramref name="arguments"/> and returns exit code and output; never throws on a non-zero exit.</summary>
    /// <param name="arguments">The argv after the executable.</param>
    /// <param name="cancellationToken">Kills the process.</param>
    /// <param name="stdin">Fed to the process's standard input.</param>
    /// <param name="environment">Variables added for this run only (values that must not be in an argv).</param>
    /// <param name="onLine">Each line of stdout and stderr as it comes (a long build's progress), besides the buffered output.</param>
    public async Task<BottleExecResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken, Stream? stdin = null, IReadOnlyDictionary<string, string?>? environment = null, Action<string>? onLine = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var clock = Stopwatch.StartNew();
        var command = Cli.Wrap(_executable)
            .WithArguments(arguments, escape: true)
            .WithEnvironmentVariables(environment is null ? _environment : _environment.Concat(environment).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal))
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(Target(stdout, onLine))
            .WithStandardErrorPipe(Target(stderr, onLine));
        if (stdin is not null)
        {
            command = command.WithStandardInputPipe(PipeSource.FromStream(stdin));
        }

        var result = await command.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        _logger.LogDebug("{Tool} {Args} -> {Exit} in {Ms} ms", Path.GetFileName(_executable), SecretRedactor.FormatForLog(arguments), result.ExitCode, clock.ElapsedMilliseconds);
        return new BottleExecResult(result.ExitCode, stdout.ToString(), stderr.ToString(), clock.Elapsed);
    }

    private static PipeTarget Target(StringBuilder buffer, Action<string>? onLine) =>
        onLine is null ? PipeTarget.ToStringBuilder(buffer) : PipeTarget.Merge(PipeTarget.ToStringBuilder(buffer), PipeTarget.ToDelegate(onLine));
}
