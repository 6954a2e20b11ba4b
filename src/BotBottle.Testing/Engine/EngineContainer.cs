using System.Globalization;
using BotBottle.Testing.Processes;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BotBottle.Testing.Engine;

/// <summary>
/// A container the harness created, and everything done to one: start, exec, logs, addresses, archive
/// upload, readiness and removal. Removal is idempotent ("already gone" is done) and never cancelled
/// half-way, so teardown always completes.
/// </summary>
internal sealed class EngineContainer
{
    /// <summary>When the readiness poll joins a followed ready line (a container that prints one does so well within it).</summary>
    private static readonly TimeSpan PollAfterReadyLine = TimeSpan.FromMilliseconds(400);

    /// <summary>How many times a pause is asked for before the engine's refusal stands.</summary>
    private const int FreezeAttempts = 10;

    private EngineContainer(DockerEngine engine, string id, string name)
    {
        Engine = engine;
        Id = id;
        Name = name;
    }

    public DockerEngine Engine { get; }

    public string Id { get; }

    public string Name { get; }

    private IDockerClient Client => Engine.Client;

    /// <summary>
    /// Creates the container. The request is never abandoned half-way (an abandoned create can still
    /// complete on the engine's side and leave a container nobody knows about), so cancellation is the
    /// caller's to observe once the undo is registered (<see cref="Launch.TeardownStack.CreateAsync{T}"/>).
    /// </summary>
    public static async Task<EngineContainer> CreateAsync(DockerEngine engine, ContainerRequest request)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(request);
        var created = await engine.Client.Containers.CreateContainerAsync(request.ToParameters(), CancellationToken.None).ConfigureAwait(false);
        return new EngineContainer(engine, created.ID, request.Name);
    }

    public Task StartAsync(CancellationToken cancellationToken) =>
        Client.Containers.StartContainerAsync(Id, new ContainerStartParameters(), cancellationToken);

    /// <summary>Runs argv as root; cancellation kills what it started.</summary>
    public Task<BottleExecResult> ExecAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken) =>
        EngineExec.RunAsync(Client, Id, argv, "0", [], cancellationToken);

    /// <summary>Runs argv through the engine's own user switch (an image as shipped, without the bottle's runuser).</summary>
    public Task<BottleExecResult> ExecAsync(IReadOnlyList<string> argv, string user, IReadOnlyList<string> env, CancellationToken cancellationToken) =>
        EngineExec.RunAsync(Client, Id, argv, user, env, cancellationToken);

    /// <summary>Runs a <c>/bin/sh -c</c> script as root.</summary>
    public Task<BottleExecResult> ShellAsync(string script, CancellationToken cancellationToken) =>
        ExecAsync(["/bin/sh", "-c", script], cancellationToken);

    /// <summary>The last <paramref name="tail"/> lines of the container's output, for failure reports; never throws for a missing container.</summary>
    public async Task<string> LogsAsync(CancellationToken cancellationToken, int tail = 200)
    {
        try
        {
            using var stream = await Client.Containers.GetContainerLogsAsync(Id, new ContainerLogsParameters
            {
                ShowStdout = true,
                ShowStderr = true,
                Tail = tail.ToString(CultureInfo.InvariantCulture),
            }, cancellationToken).ConfigureAwait(false);
            var (stdout, stderr) = await stream.ReadOutputToEndAsync(cancellationToken).ConfigureAwait(false);
            return (stdout + stderr).Trim();
        }
        catch (DockerApiException ex)
        {
            return $"(logs unavailable: {ex.Message})";
        }
    }

    /// <summary>Everything the container has written to its stdout (a one-shot container's result, carried by the engine).</summary>
    public async Task<string> StdoutAsync(CancellationToken cancellationToken)
    {
        using var stream = await Client.Containers.GetContainerLogsAsync(Id, new ContainerLogsParameters { ShowStdout = true }, cancellationToken).ConfigureAwait(false);
        var (stdout, _) = await stream.ReadOutputToEndAsync(cancellationToken).ConfigureAwait(false);
        return stdout;
    }

    /// <summary>What the engine reports of the container now.</summary>
    public async Task<ContainerDetails> InspectAsync(CancellationToken cancellationToken) =>
        ContainerDetails.From(await Client.Containers.InspectContainerAsync(Id, cancellationToken).ConfigureAwait(false));

    /// <summary>The container's address on <paramref name="network"/>, or null.</summary>
    public async Task<ContainerAddress?> EndpointOnAsync(string network, CancellationToken cancellationToken) =>
        (await InspectAsync(cancellationToken).ConfigureAwait(false)).AddressOn(network);

    /// <summary>
    /// Freezes every process of the container (the engine's cgroup freezer: none of them runs, forks or exits) until the
    /// returned handle is disposed, which thaws it whatever the caller's token says. A container already gone, or not paused, thaws as
    /// done; a pause cancelled in flight is thawed before the cancellation goes on.
    /// </summary>
    /// <exception cref="InvalidOperationException">The engine refused (a container not running, a host without a freezer), with its reason.</exception>
    public async Task<IAsyncDisposable> FreezeAsync(CancellationToken cancellationToken)
    {
        var frozen = new Frozen(this);
        try
        {
            // The runtime gives up on a freeze that meets a process it cannot stop at once (an exec joining the
            // container), and thaws what it froze: the same pause, a moment later, then takes.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await Client.Containers.PauseContainerAsync(Id, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.InternalServerError && attempt < FreezeAttempts)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (DockerApiException ex)
        {
            throw new InvalidOperationException($"the engine refused to freeze {Name} ({(int)ex.StatusCode}: {ex.ResponseBody?.Trim()}, {FreezeAttempts} tries)", ex);
        }
        catch (OperationCanceledException)
        {
            // The engine may have paused it before the answer was abandoned.
            await frozen.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return frozen;
    }

    /// <summary>
    /// The host pids of this container's engine execs that are running now, from the engine's own record (an exec that
    /// ends or goes away meanwhile is left out): what no process in the container can start, name or forge.
    /// </summary>
    public async Task<IReadOnlyList<long>> RunningExecPidsAsync(CancellationToken cancellationToken)
    {
        var inspect = await Client.Containers.InspectContainerAsync(Id, cancellationToken).ConfigureAwait(false);
        var pids = new List<long>();
        foreach (var exec in inspect.ExecIDs ?? [])
        {
            try
            {
                var details = await Client.Exec.InspectContainerExecAsync(exec, cancellationToken).ConfigureAwait(false);
                if (details.Running && details.Pid > 0)
                {
                    pids.Add(details.Pid);
                }
            }
            catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
            }
        }

        return pids;
    }

    /// <summary>Waits until the container has stopped (a one-shot container's end).</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) =>
        Client.Containers.WaitContainerAsync(Id, cancellationToken);

    /// <summary>
    /// The tar stream of <paramref name="path"/> (the path itself, and a directory's whole tree) through the engine's
    /// archive endpoint, or null when the path does not exist; nothing runs in the container.
    /// </summary>
    public async Task<Stream?> ReadArchiveAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Client.Containers.GetArchiveFromContainerAsync(Id, new ContainerPathStatParameters { Path = path }, statOnly: false, cancellationToken).ConfigureAwait(false);
            return response.Stream ?? throw new IOException($"the engine sent no archive of {path} in {Name}");
        }
        catch (DockerContainerNotFoundException)
        {
            return null; // the engine answers 404 for a missing path (the container itself was just addressed by id)
        }
    }

    /// <summary>
    /// The container's exec channel, its commands run under <paramref name="supervisor"/> (perl that defines <c>bbt_supervise</c>),
    /// or null where it cannot run (no perl in the image) or the engine refuses the exec.
    /// </summary>
    public async Task<ExecChannel?> OpenExecChannelAsync(string supervisor, CancellationToken cancellationToken)
    {
        try
        {
            return await ExecChannel.OpenAsync(Client, Id, supervisor, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException)
        {
            return null;
        }
    }

    /// <summary>Joins <paramref name="network"/>, optionally at a fixed address.</summary>
    public Task ConnectAsync(string network, string? ipv4Address, CancellationToken cancellationToken) =>
        Client.Networks.ConnectNetworkAsync(network, new NetworkConnectParameters
        {
            Container = Id,
            EndpointConfig = ipv4Address is null ? null : new EndpointSettings { IPAMConfig = new EndpointIPAMConfig { IPv4Address = ipv4Address } },
        }, cancellationToken);

    /// <summary>Extracts a tar stream into <paramref name="directory"/>.</summary>
    public Task ExtractAsync(Stream tar, string directory, CancellationToken cancellationToken) =>
        Client.Containers.ExtractArchiveToContainerAsync(Id, new CopyToContainerParameters { Path = directory }, tar, cancellationToken);

    /// <summary>One regular file of the container as it is now, copied out through the engine's archive endpoint (nothing runs in the container).</summary>
    public async Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        var archive = await Client.Containers.GetArchiveFromContainerAsync(Id, new ContainerPathStatParameters { Path = path }, statOnly: false, cancellationToken).ConfigureAwait(false);
        using var stream = archive.Stream ?? throw new IOException($"the engine sent no archive of {path} in {Name}");
        using var reader = new System.Formats.Tar.TarReader(stream);
        var entry = await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false);
        if (entry is not { EntryType: System.Formats.Tar.TarEntryType.RegularFile or System.Formats.Tar.TarEntryType.V7RegularFile, DataStream: { } data })
        {
            throw new IOException($"{path} in {Name} is not a regular file");
        }

        // Exactly the size the engine stat'ed: a file that grows meanwhile (a capture) ends the engine's stream right after it.
        var content = new byte[entry.Length];
        await data.ReadExactlyAsync(content, cancellationToken).ConfigureAwait(false);
        return content;
    }

    /// <summary>
    /// Waits until <paramref name="check"/> (a root shell script) exits 0, failing at once with the logs
    /// when the container stops, or after <paramref name="timeout"/> with the last check's errors and the logs.
    /// </summary>
    public Task WaitUntilAsync(string check, TimeSpan timeout, string what, string goal, CancellationToken cancellationToken) =>
        PollUntilAsync(check, timeout, what, goal, cancellationToken);

    /// <summary>
    /// Waits like <see cref="WaitUntilAsync(string, TimeSpan, string, string, CancellationToken)"/>, but first for a line
    /// of the container's stdout that <paramref name="readyLine"/> accepts (the engine streams it the moment it is
    /// written, where a poll would see it up to one exec later); the poll joins after <see cref="PollAfterReadyLine"/>, for
    /// images that print no such line and engines whose logging driver cannot be read. Returns the ready line when it
    /// ended the wait, or null when the poll did.
    /// </summary>
    public async Task<string?> WaitUntilAsync(string check, Func<string, bool> readyLine, TimeSpan timeout, string what, string goal, CancellationToken cancellationToken)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var follow = FollowOutputAsync(readyLine, both.Token);
        var poll = PollAfterAsync(check, timeout, what, goal, both.Token);
        try
        {
            if (await Task.WhenAny(follow, poll).ConfigureAwait(false) == follow && follow.IsCompletedSuccessfully && await follow.ConfigureAwait(false) is { } line)
            {
                return line;
            }

            await poll.ConfigureAwait(false);
            return null;
        }
        finally
        {
            await both.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(follow, poll).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Follows the container's stdout (from its start) line by line until <paramref name="stop"/> accepts one; returns
    /// that line, or null when the output ends first (the container stopped) or cannot be read (a logging driver
    /// without reads).
    /// </summary>
    private async Task<string?> FollowOutputAsync(Func<string, bool> stop, CancellationToken cancellationToken)
    {
        try
        {
            using var stream = await Client.Containers.GetContainerLogsAsync(Id, new ContainerLogsParameters { ShowStdout = true, Follow = true }, cancellationToken).ConfigureAwait(false);
            var partial = "";
            var buffer = new byte[4096];
            while (true)
            {
                var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
                if (read.EOF)
                {
                    return null;
                }

                var text = (partial + System.Text.Encoding.UTF8.GetString(buffer, 0, read.Count)).Split('\n');
                partial = text[^1];
                if (text[..^1].FirstOrDefault(stop) is { } line)
                {
                    return line;
                }
            }
        }
        catch (Exception e) when (e is DockerApiException or IOException)
        {
            return null;
        }
    }

    private async Task PollAfterAsync(string check, TimeSpan timeout, string what, string goal, CancellationToken cancellationToken)
    {
        await Task.Delay(PollAfterReadyLine, cancellationToken).ConfigureAwait(false);
        await PollUntilAsync(check, timeout - PollAfterReadyLine, what, goal, cancellationToken).ConfigureAwait(false);
    }

    private Task<bool> PollUntilAsync(string check, TimeSpan timeout, string what, string goal, CancellationToken cancellationToken) =>
        Deadline.PollAsync<bool>(
            async ct =>
            {
                await ThrowIfExitedAsync(await InspectAsync(ct).ConfigureAwait(false), what, goal, ct).ConfigureAwait(false);

                var probe = await ShellAsync(check, ct).ConfigureAwait(false);
                return probe.ExitCode == 0 ? Deadline.Attempt<bool>.Success(true) : Deadline.Attempt<bool>.Retry($"exit {probe.ExitCode} {probe.Stderr.Trim()}");
            },
            timeout,
            TimeSpan.FromMilliseconds(50),
            async last => (Exception)new TimeoutException($"{what} did not {goal} within {timeout.TotalSeconds:0} s (last check: {last}): {await LogsAsync(CancellationToken.None).ConfigureAwait(false)}"),
            cancellationToken);

    /// <summary>Fails with the exit code and the logs when <paramref name="inspect"/> shows the container no longer running.</summary>
    public async Task ThrowIfExitedAsync(ContainerDetails inspect, string what, string goal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inspect);
        if (!inspect.Running)
        {
            throw new InvalidOperationException($"{what} exited with {inspect.ExitCode} before it could {goal}: {await LogsAsync(cancellationToken).ConfigureAwait(false)}");
        }
    }

    /// <summary>Kills and removes the container (SIGKILL: nothing the harness runs needs a graceful stop).</summary>
    public Task RemoveAsync(CancellationToken cancellationToken) => RemoveAsync(Client, Id, cancellationToken);

    /// <summary>Kills the container and waits until it has stopped, which frees its network endpoints; not running or gone is done.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Client.Containers.KillContainerAsync(Id, new ContainerKillParameters(), cancellationToken).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
        }
        catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // Not running (created and never started, or exited by itself).
        }
    }

    /// <summary>Kills and removes a container by id or name; "already gone" is done.</summary>
    public static async Task RemoveAsync(IDockerClient client, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            await client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
        }
        catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Conflict && (ex.ResponseBody ?? "").Contains("already in progress", StringComparison.Ordinal))
        {
        }
    }

    /// <summary>A check that passes when every port LISTENs (from /proc/net/tcp, so any image with sh and grep works).</summary>
    public static string ListeningScript(params int[] ports) =>
        string.Join(" && ", ports.Select(p => $"grep -q ':{p.ToString("X4", CultureInfo.InvariantCulture)} [0-9A-F]*:0000 0A' /proc/net/tcp /proc/net/tcp6"));

    private sealed class Frozen(EngineContainer container) : IAsyncDisposable
    {
        private int _thawed;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _thawed, 1) == 0)
            {
                try
                {
                    await container.Client.Containers.UnpauseContainerAsync(container.Id, CancellationToken.None).ConfigureAwait(false);
                }
                catch (DockerContainerNotFoundException)
                {
                }
                catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Conflict)
                {
                    // Not paused (a pause that never took) or no longer running: nothing is frozen.
                }
            }
        }
    }
}
