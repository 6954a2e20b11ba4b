using BotBottle.Testing.Bottles;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Smolmachines;

/// <summary>
/// The smolvm command-line, driven as argv through <see cref="HostCommand"/>. Reads the version once
/// and tells smolvm's own failures (exit 1 + <c>Error:</c>) from the guest's exit codes.
/// </summary>
public sealed class SmolvmCli
{
    private readonly HostCommand _command;
    private readonly AsyncOnce<SmolvmVersion> _version;

    /// <summary>Wraps the smolvm executable behind <paramref name="command"/>.</summary>
    public SmolvmCli(HostCommand command)
    {
        _command = command;
        _version = new AsyncOnce<SmolvmVersion>(async () =>
        {
            var output = await RunCheckedAsync(SmolvmCommands.Version(), CancellationToken.None).ConfigureAwait(false);
            return SmolvmVersion.Parse(output.Stdout + output.Stderr);
        });
    }

    /// <summary>The smolvm executable.</summary>
    public string Executable => _command.Executable;

    /// <summary>The extra environment smolvm processes get.</summary>
    public IReadOnlyDictionary<string, string?> Environment => _command.Environment;

    /// <summary>Reads <c>smolvm --version</c> once and caches it.</summary>
    public Task<SmolvmVersion> GetVersionAsync(CancellationToken cancellationToken) => _version.GetAsync(cancellationToken);

    /// <summary>Runs a smolvm command and throws <see cref="SmolvmException"/> when it does not exit 0.</summary>
    public async Task<ProcessOutput> RunCheckedAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var output = await _command.RunAsync(arguments, cancellationToken).ConfigureAwait(false);
        if (output.ExitCode != 0)
        {
            var what = string.Join(' ', arguments.Take(2));
            var detail = output.Stderr.Trim().Length > 0 ? output.Stderr.Trim() : output.Stdout.Trim();
            throw new SmolvmException($"`smolvm {what}` failed with exit {output.ExitCode}: {detail}", output.ExitCode, output.Stderr);
        }

        return output;
    }

    /// <summary>
    /// Runs <paramref name="guestArgv"/> in the machine and returns the guest's exit code and output.
    /// Throws <see cref="SmolvmException"/> when smolvm, not the guest, failed.
    /// </summary>
    public async Task<ExecResult> ExecAsync(string machine, IReadOnlyList<string> guestArgv, CancellationToken cancellationToken)
    {
        var output = await _command.RunAsync(SmolvmCommands.Exec(machine, guestArgv), cancellationToken).ConfigureAwait(false);
        if (SmolvmException.IsSmolvmFailure(output.ExitCode, output.Stderr))
        {
            throw new SmolvmException($"smolvm could not exec in machine '{machine}': {output.Stderr.Trim()}", output.ExitCode, output.Stderr);
        }

        return new ExecResult(output.ExitCode, output.Stdout, output.Stderr, output.Duration);
    }
}
