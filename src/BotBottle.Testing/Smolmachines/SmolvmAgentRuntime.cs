using BotBottle.Testing.Bottles;
using BotBottle.Testing.Guest;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Smolmachines;

/// <summary>
/// A smolvm microVM: execs and copies through <c>smolvm machine exec/cp</c>, the interactive command line as a
/// <c>machine exec -i -t</c> (in the resize bridge only where smolvm does not forward the terminal size itself).
/// </summary>
internal sealed class SmolvmAgentRuntime(string machine, SmolvmCli smolvm, SmolvmVersion version, IReadOnlyList<string>? resizeBridge) : IAgentRuntime, IDisposable
{
    /// <summary>
    /// How many of the harness's own exec and cp calls run at once in one machine. smolvm's guest agent serves eight
    /// connections (MAX_CONCURRENT_CONNECTIONS, crates/smolvm-agent/src/main.rs), and every exec or cp first pings it
    /// over a ninth with a 3 s timeout (src/agent/manager.rs): with eight held, the ping fails, the call fails "not
    /// running" and the machine is recorded unreachable. Six leaves one connection for an interactive session
    /// (<see cref="HostCommand"/>, outside this bound) and one for the pings; the rest queue here.
    /// </summary>
    public const int MaxConcurrentCalls = 6;

    private readonly SemaphoreSlim _calls = new(MaxConcurrentCalls, MaxConcurrentCalls);

    public string? Address => null;

    public bool ResolvesPeers => false;

    private AsyncOnce<bool>? _supervised;

    /// <summary>
    /// Runs argv within the machine's bound on concurrent calls, under the exec supervisor where the guest has perl
    /// (asked once per machine), so a cancelled exec ends its double-forked and <c>setsid</c> descendants too: smolvm's
    /// agent ends only the exec's process group.
    /// </summary>
    public async Task<BottleExecResult> ExecAsync(IReadOnlyList<string> argv, IReadOnlyList<KeyValuePair<string, string>> env, CancellationToken cancellationToken)
    {
        var supervised = await LazyInitializer.EnsureInitialized(ref _supervised, () => new AsyncOnce<bool>(HasPerlAsync)).GetAsync(cancellationToken).ConfigureAwait(false);
        return await BoundedExecAsync(supervised ? GuestSupervisor.Wrap(argv) : argv, env, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A smolvm call that holds one of the machine's connections (a detached exec, a cp), within the same bound as execs.</summary>
    public async Task RunCheckedAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        await _calls.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await smolvm.RunCheckedAsync(arguments, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _calls.Release();
        }
    }

    public void Dispose() => _calls.Dispose();

    private async Task<BottleExecResult> BoundedExecAsync(IReadOnlyList<string> argv, IReadOnlyList<KeyValuePair<string, string>> env, CancellationToken cancellationToken)
    {
        await _calls.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await smolvm.ExecAsync(machine, argv, env, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _calls.Release();
        }
    }

    private async Task<bool> HasPerlAsync()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return (await BoundedExecAsync(["/bin/sh", "-c", "command -v perl >/dev/null"], [], limit.Token).ConfigureAwait(false)).ExitCode == 0;
    }

    public async Task UploadAsync(IReadOnlyList<IAgentRuntime.GuestFile> files, CancellationToken cancellationToken)
    {
        // Directories first (one exec), then each file: `machine cp` takes single files, and splits its
        // arguments at the first ':', so every file is staged under a plain temporary name first.
        var directories = files.Where(f => f.IsDirectory).ToList();
        if (directories.Count > 0)
        {
            var script = "for d in \"$@\"; do mkdir -p -- \"$d\"; done";
            (await ExecAsync(["/bin/sh", "-c", script, "mkdirs", .. directories.Select(d => d.GuestPath)], [], cancellationToken).ConfigureAwait(false)).ThrowOnFailure();
        }

        var staging = Directory.CreateTempSubdirectory("bbt-cp-");
        try
        {
            var fixes = new List<string>();
            var index = 0;
            foreach (var file in files.Where(f => !f.IsDirectory))
            {
                var staged = Path.Combine(staging.FullName, (index++).ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (file.HostPath is { } hostPath)
                {
                    File.Copy(hostPath, staged);
                }
                else
                {
                    await File.WriteAllBytesAsync(staged, file.Content!.Value.ToArray(), cancellationToken).ConfigureAwait(false);
                }

                await RunCheckedAsync(SmolvmCommands.CopyIn(version, machine, staged, file.GuestPath, file.Uid, file.Gid, file.Mode), cancellationToken).ConfigureAwait(false);
                if (!version.CopiesOwnership)
                {
                    fixes.Add(file.GuestPath);
                }
            }

            // Before 1.9.0 uploads are root-owned; ownership and modes (directories too) are set in one exec.
            var owned = files.Where(f => f.IsDirectory || fixes.Contains(f.GuestPath)).ToList();
            if (owned.Count > 0)
            {
                var script = "while [ $# -gt 0 ]; do chown \"$2\" \"$1\" && chmod \"$3\" \"$1\" || exit 1; shift 3; done";
                var args = owned.SelectMany(f => new[] { f.GuestPath, $"{f.Uid}:{f.Gid}", GuestPaths.Octal(f.Mode) });
                (await ExecAsync(["/bin/sh", "-c", script, "own", .. args], [], cancellationToken).ConfigureAwait(false)).ThrowOnFailure();
            }
        }
        finally
        {
            staging.Delete(recursive: true);
        }
    }

    public IBottle.HostCommandLine HostCommand(IReadOnlyList<string> guestArgv, IReadOnlyList<KeyValuePair<string, string>> env, bool tty)
    {
        var passed = GuestEnvHandoff.For(env);
        IReadOnlyList<string> exec = [smolvm.Executable, .. SmolvmCommands.Exec(machine, guestArgv, passed.Names, tty)];
        var environment = smolvm.Environment.Concat(passed.Values).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return new IBottle.HostCommandLine(tty && resizeBridge is { } bridge ? [.. bridge, machine, "--", .. exec] : exec, environment);
    }

    public Task<string> LogsAsync(CancellationToken cancellationToken) =>
        Task.FromResult("(smolvm keeps no log of the microVM's console for the harness)");
}
