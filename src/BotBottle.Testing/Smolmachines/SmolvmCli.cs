using BotBottle.Testing.Bottles;
using BotBottle.Testing.Diagnostics;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Smolmachines;

/// <summary>
/// The smolvm command line, driven as argv through <see cref="HostCommand"/>: reads the version once, tells
/// smolvm's own failures from the guest's exit codes, and hands the guest env to smolvm through its
/// environment (<c>--secret-env GUEST=HOST</c>), never through an argv anyone can read with <c>ps</c>.
/// </summary>
internal sealed class SmolvmCli
{
    /// <summary>
    /// The log filter every smolvm process gets. smolvm traces to stderr (src/main.rs init_logging: <c>smolvm=warn</c>,
    /// or an inherited RUST_LOG), so a developer's RUST_LOG=debug would put tracing lines around its one-line
    /// <c>Error:</c> message and into the stderr of every guest command; errors only is the quietest filter.
    /// </summary>
    public const string LogFilter = "error";

    private readonly HostCommand _command;
    private readonly SmolvmCallLog? _calls;
    private readonly AsyncOnce<SmolvmVersion> _version;

    /// <summary>
    /// The smolvm at <paramref name="executable"/>, run under its own name (never copied or renamed) with RUST_LOG=error;
    /// every call's argv, exit code, stderr and timing go to <paramref name="calls"/> when one is given (the doctor's bundle).
    /// </summary>
    public SmolvmCli(string executable, IReadOnlyDictionary<string, string?> environment, Microsoft.Extensions.Logging.ILogger logger, SmolvmCallLog? calls = null)
        : this(new HostCommand(executable, new Dictionary<string, string?>(environment, StringComparer.Ordinal) { ["RUST_LOG"] = LogFilter }, logger), calls)
    {
    }

    private SmolvmCli(HostCommand command, SmolvmCallLog? calls)
    {
        _command = command;
        _calls = calls;
        _version = new AsyncOnce<SmolvmVersion>(async () =>
        {
            var output = await RunCheckedAsync(SmolvmCommands.Version(), CancellationToken.None).ConfigureAwait(false);
            return SmolvmVersion.Parse(output.Stdout + output.Stderr);
        });
    }

    /// <summary>The smolvm executable.</summary>
    public string Executable => _command.Executable;

    /// <summary>The extra environment every smolvm process gets (e.g. isolated state directories).</summary>
    public IReadOnlyDictionary<string, string?> Environment => _command.Environment;

    /// <summary>Reads <c>smolvm --version</c> once and caches it.</summary>
    public Task<SmolvmVersion> GetVersionAsync(CancellationToken cancellationToken) => _version.GetAsync(cancellationToken);

    /// <summary>Runs a smolvm command; throws <see cref="SmolvmException"/> when it does not exit 0.</summary>
    public async Task<BottleExecResult> RunCheckedAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var output = await RunAsync(arguments, environment, cancellationToken).ConfigureAwait(false);
        if (output.ExitCode != 0)
        {
            var detail = output.Stderr.Trim().Length > 0 ? output.Stderr.Trim() : output.Stdout.Trim();
            var what = output.ExitCode == SmolvmException.PanicExitCode ? "panicked (exit 101)" : $"failed with exit {output.ExitCode}";
            throw new SmolvmException($"`smolvm {string.Join(' ', arguments.Take(2))}` {what}: {detail}", output.ExitCode, output.Stderr);
        }

        return output;
    }

    /// <summary>
    /// Runs <paramref name="guestArgv"/> in the machine with <paramref name="env"/> and returns the guest's exit
    /// code and output. Throws <see cref="SmolvmException"/> when smolvm, not the guest, failed. Cancelling kills
    /// the smolvm process; its guest agent then kills the exec's process group (a client disconnect).
    /// </summary>
    public async Task<BottleExecResult> ExecAsync(string machine, IReadOnlyList<string> guestArgv, IReadOnlyList<KeyValuePair<string, string>> env, CancellationToken cancellationToken)
    {
        var passed = GuestEnvHandoff.For(env);
        var output = await RunAsync(SmolvmCommands.Exec(machine, guestArgv, passed.Names), passed.Values, cancellationToken).ConfigureAwait(false);
        if (SmolvmException.IsExecFailure(output.ExitCode, output.Stdout, output.Stderr, machine))
        {
            throw new SmolvmException($"smolvm could not exec in machine '{machine}': {SecretValues.Mask(SecretRedactor.RedactText(output.Stderr.Trim(), env))}", output.ExitCode, output.Stderr);
        }

        return new BottleExecResult(output.ExitCode, output.Stdout, output.Stderr, output.Duration);
    }

    /// <summary>Every smolvm process the harness starts goes through here, and into the call log when there is one.</summary>
    private async Task<BottleExecResult> RunAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        try
        {
            var output = await _command.RunAsync(arguments, cancellationToken, environment: environment).ConfigureAwait(false);
            _calls?.Record(new SmolvmCall(arguments, started, output.Duration, output.ExitCode, output.Stderr, null));
            return output;
        }
        catch (Exception e) when (_calls is not null)
        {
            _calls.Record(new SmolvmCall(arguments, started, DateTimeOffset.UtcNow - started, null, "", e.GetType().Name + ": " + e.Message));
            throw;
        }
    }
}

/// <summary>
/// The guest env as smolvm receives it: each variable <c>K</c> is named on the command line as
/// <c>--secret-env K=BBT_ENV_K</c> and its value is in smolvm's own environment as <c>BBT_ENV_K</c>, which
/// smolvm resolves on the host and layers into the exec's environment (v1.8.0+ <c>src/cli/machine.rs</c> ExecCmd).
/// </summary>
internal sealed record GuestEnvHandoff(IReadOnlyList<KeyValuePair<string, string>> Names, IReadOnlyDictionary<string, string?> Values)
{
    /// <summary>The host-side prefix of a handed-off variable.</summary>
    public const string Prefix = "BBT_ENV_";

    public static GuestEnvHandoff For(IReadOnlyList<KeyValuePair<string, string>> env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var names = env.Select(p => new KeyValuePair<string, string>(p.Key, Prefix + p.Key)).ToList();
        var values = env.ToDictionary(p => Prefix + p.Key, p => (string?)p.Value, StringComparer.Ordinal);
        return new GuestEnvHandoff(names, values);
    }
}
