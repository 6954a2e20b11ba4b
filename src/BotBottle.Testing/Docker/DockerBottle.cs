using System.Collections.Concurrent;
using System.Globalization;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Bundles;
using BotBottle.Testing.Guest;
using BotBottle.Testing.Launch;
using BotBottle.Testing.Processes;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BotBottle.Testing.Docker;

/// <summary>
/// A bottle whose agent is a docker container on a private network with its bundle. Exec goes
/// through the engine API with the same semantics as smolmachines (runuser -u, HOME/USER, guest env).
/// </summary>
public sealed class DockerBottle : IBottle
{
    private readonly IDockerClient _client;
    private readonly BottleSpec _spec;
    private readonly TeardownStack _teardown;
    private readonly DockerBackendOptions _options;
    private readonly ConcurrentDictionary<string, (int Uid, int Gid)> _ids = new(StringComparer.Ordinal);

    internal DockerBottle(
        string name,
        string containerId,
        IDockerClient client,
        BottleSpec spec,
        IRunningBundle bundle,
        IReadOnlyList<KeyValuePair<string, string>> guestEnv,
        TeardownStack teardown,
        DockerBackendOptions options)
    {
        Name = name;
        ContainerId = containerId;
        _client = client;
        _spec = spec;
        RunningBundle = bundle;
        GuestEnv = guestEnv;
        _teardown = teardown;
        _options = options;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string Backend => DockerBackend.BackendName;

    /// <summary>The agent container's id.</summary>
    public string ContainerId { get; }

    /// <summary>The agent container's name.</summary>
    public string ContainerName => Name + "-agent";

    /// <inheritdoc />
    public BundleEndpoint Bundle => RunningBundle.Endpoint;

    /// <summary>The running bundle (its container id and logs).</summary>
    public IRunningBundle RunningBundle { get; }

    /// <inheritdoc />
    public string? AgentAddress { get; internal set; }

    /// <inheritdoc />
    public string? PromptPath { get; internal set; }

    /// <summary>The env every exec re-sends.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> GuestEnv { get; }

    /// <inheritdoc />
    public Task<ExecResult> ExecAsync(string script, string user = GuestUsers.Agent, CancellationToken cancellationToken = default) =>
        RunAsync(GuestCommand.ForScript(user, script, GuestEnv), cancellationToken);

    /// <inheritdoc />
    public IReadOnlyList<string> AgentArgv(IReadOnlyList<string> argv, bool tty = true, IReadOnlyList<string>? agentCommand = null)
    {
        var agent = agentCommand is null
            ? AgentCommandLine.Build(_spec, PromptPath, GuestEnv, argv)
            : AgentCommandLine.Build(_spec with { AgentCommand = agentCommand }, promptPath: null, GuestEnv, argv);
        var exec = new List<string> { _options.DockerCli, "exec" };
        if (tty)
        {
            exec.AddRange(["-i", "-t"]);
        }

        exec.AddRange(["-u", "0", ContainerName]);
        exec.AddRange(agent);
        return exec;
    }

    /// <inheritdoc />
    public Task<int> ExecAgentAsync(IReadOnlyList<string> argv, bool tty = true, CancellationToken cancellationToken = default) =>
        InteractiveProcess.RunAsync(AgentArgv(argv, tty), tty ? _spec.Terminal : TerminalStyle.None, new Dictionary<string, string?>(), cancellationToken);

    /// <inheritdoc />
    public async Task CopyInAsync(string hostPath, string guestPath, string owner = GuestUsers.Root, UnixFileMode? mode = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostPath);
        ArgumentException.ThrowIfNullOrEmpty(guestPath);
        var (uid, gid) = await IdsOfAsync(owner, cancellationToken).ConfigureAwait(false);
        var parent = GuestPaths.Parent(guestPath);
        (await RunAsync(["mkdir", "-p", "--", parent], cancellationToken).ConfigureAwait(false)).ThrowOnFailure();
        var entry = guestPath.TrimEnd('/')[(parent.Length == 1 ? 1 : parent.Length + 1)..];
        using var tar = await DockerArchive.CreateAsync(hostPath, entry, uid, gid, mode, cancellationToken).ConfigureAwait(false);
        await _client.Containers.ExtractArchiveToContainerAsync(ContainerId, new CopyToContainerParameters { Path = parent }, tar, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs argv as root in the bundle container (for controls: "is the egress daemon listening on the bundle's loopback?").</summary>
    public Task<ExecResult> ExecInBundleAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken = default) =>
        DockerExec.RunAsync(_client, RunningBundle.ContainerId, argv, cancellationToken);

    /// <inheritdoc />
    public Task<ExecResult> ExecInBundleAsync(string script, CancellationToken cancellationToken = default) =>
        RunningBundle.ExecAsync(script, cancellationToken);

    /// <inheritdoc />
    public async Task<BottleLogs> GetLogsAsync(CancellationToken cancellationToken = default)
    {
        var agent = DockerLogs.ReadAsync(_client, ContainerId, cancellationToken);
        var bundle = RunningBundle.GetLogsAsync(cancellationToken);
        return new BottleLogs(await agent.ConfigureAwait(false), await bundle.ConfigureAwait(false));
    }

    /// <summary>Tears the bottle down (agent, bundle, network) in reverse launch order; idempotent.</summary>
    public ValueTask DisposeAsync() => _teardown.DisposeAsync();

    private Task<ExecResult> RunAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken) =>
        ExecRetry.RunAsync(ct => DockerExec.RunAsync(_client, ContainerId, argv, ct), _options.RetrySettle, cancellationToken);

    private async Task<(int Uid, int Gid)> IdsOfAsync(string user, CancellationToken cancellationToken)
    {
        if (_ids.TryGetValue(user, out var known))
        {
            return known;
        }

        var result = (await RunAsync(["id", "-u", user], cancellationToken).ConfigureAwait(false)).ThrowOnFailure();
        var group = (await RunAsync(["id", "-g", user], cancellationToken).ConfigureAwait(false)).ThrowOnFailure();
        var ids = (int.Parse(result.Stdout.Trim(), CultureInfo.InvariantCulture), int.Parse(group.Stdout.Trim(), CultureInfo.InvariantCulture));
        _ids[user] = ids;
        return ids;
    }
}
