using BotBottle.Testing.Bottles;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Guest;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Docker;

/// <summary>An agent container: execs and uploads through the engine API, the interactive command line through the docker CLI.</summary>
internal sealed class DockerAgentRuntime(EngineContainer container, string? address, string dockerCli, bool execChannel, Observers.IAgentObserver observer) : IAgentRuntime, Observers.IObservedAgent
{
    public Observers.IAgentObserver Observer => observer;

    private readonly AsyncOnce<ExecChannel?> _channel = new(() => OpenChannelAsync(container));

    public string? Address => address;

    public bool ResolvesPeers => true;

    /// <summary>Through the bottle's exec channel when it has one, else as one engine exec; the same semantics either way.</summary>
    public async Task<BottleExecResult> ExecAsync(IReadOnlyList<string> argv, IReadOnlyList<KeyValuePair<string, string>> env, CancellationToken cancellationToken)
    {
        var variables = env.Select(p => p.Key + "=" + p.Value).ToList();
        if (await OpenChannelOrNullAsync(cancellationToken).ConfigureAwait(false) is { } channel)
        {
            return await channel.RunAsync(argv, variables, cancellationToken).ConfigureAwait(false);
        }

        return await container.ExecAsync(argv, "0", variables, cancellationToken).ConfigureAwait(false);
    }

    public async Task UploadAsync(IReadOnlyList<IAgentRuntime.GuestFile> files, CancellationToken cancellationToken)
    {
        using var tar = await GuestArchive.CreateAsync(files, cancellationToken).ConfigureAwait(false);
        await container.ExtractAsync(tar, "/", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Places a launch's files, before any agent code has run: through the exec channel when every one is content in
    /// memory (a round trip each on the open stream, instead of an engine archive extraction), else as one upload.
    /// </summary>
    public async Task ProvisionAsync(IReadOnlyList<IAgentRuntime.GuestFile> files, CancellationToken cancellationToken)
    {
        if (files.All(f => f.Content is not null) && await OpenChannelOrNullAsync(cancellationToken).ConfigureAwait(false) is { } channel)
        {
            foreach (var file in files)
            {
                var written = await channel.WriteFileAsync(file.GuestPath, file.Content!.Value, file.Uid, file.Gid, file.Mode, cancellationToken).ConfigureAwait(false);
                if (written.ExitCode != 0)
                {
                    throw new IOException(written.Stderr.Trim());
                }
            }

            return;
        }

        await UploadAsync(files, cancellationToken).ConfigureAwait(false);
    }

    public IBottle.HostCommandLine HostCommand(IReadOnlyList<string> guestArgv, IReadOnlyList<KeyValuePair<string, string>> env, bool tty)
    {
        var argv = new List<string> { dockerCli };
        argv.AddRange(CliEndpointArguments(container.Engine.Endpoint));
        argv.Add("exec");
        if (tty)
        {
            argv.AddRange(["-i", "-t"]);
        }

        // `-e NAME` without a value: the docker CLI takes it from its own environment, so no value is in its argv.
        foreach (var (key, _) in env)
        {
            argv.AddRange(["-e", key]);
        }

        argv.AddRange(["-u", "0", container.Name]);
        argv.AddRange(guestArgv);
        return new IBottle.HostCommandLine(argv, env.ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal));
    }

    public Task<string> LogsAsync(CancellationToken cancellationToken) => container.LogsAsync(cancellationToken);

    /// <summary>Opens the exec channel in the background (while the launch waits for it and provisions), so the first exec does not wait for it.</summary>
    public void OpenChannelEarly()
    {
        if (execChannel)
        {
            _ = _channel.GetAsync(CancellationToken.None).ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>The bottle's exec channel while it carries commands; null when it is off, cannot run or has closed.</summary>
    private async Task<ExecChannel?> OpenChannelOrNullAsync(CancellationToken cancellationToken) =>
        execChannel && await _channel.GetAsync(cancellationToken).ConfigureAwait(false) is { IsOpen: true } channel ? channel : null;

    /// <summary>The channel, or null where it cannot run (no perl in the image) or the engine refuses the exec (the per-call exec then reports why).</summary>
    private static Task<ExecChannel?> OpenChannelAsync(EngineContainer container) => container.OpenExecChannelAsync(GuestSupervisor.Script, CancellationToken.None);

    /// <summary>
    /// Points the docker CLI at the harness's engine when the CLI would not find it by itself (a context, or
    /// a socket other than its default and DOCKER_HOST).
    /// </summary>
    internal static IReadOnlyList<string> CliEndpointArguments(EngineEndpoint endpoint)
    {
        if (endpoint.Context is not null)
        {
            return endpoint.CliArguments;
        }

        var cliDefault = Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock";
        return string.Equals(endpoint.Uri.ToString().TrimEnd('/'), cliDefault.TrimEnd('/'), StringComparison.Ordinal) ? [] : endpoint.CliArguments;
    }
}
