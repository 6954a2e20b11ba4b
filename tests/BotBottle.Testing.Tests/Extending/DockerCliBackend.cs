using BotBottle.Testing.Processes;
using System.Diagnostics;
using BotBottle.Testing.Guest;

namespace BotBottle.Testing.Tests.Extending;

/// <summary>
/// A backend as another assembly writes one, through the public backend interface only (<see cref="BottleBackend"/>,
/// <see cref="AgentLaunchContext"/>, <see cref="IAgentRuntime"/>): its agent is a plain container that the docker CLI
/// starts on the bottle's network, beside the bundle. Every exec and upload is a real <c>docker exec</c>.
/// </summary>
internal sealed class DockerCliBackend(string docker = "docker") : BottleBackend
{
    public const string BackendName = "docker-cli";

    public override string Name => BackendName;

    public override async Task<PrerequisiteReport> CheckPrerequisitesAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var version = await DockerCli.RunAsync(docker, ["version", "--format", "{{.Server.Version}}"], new Dictionary<string, string?>(), null, cancellationToken);
            return new PrerequisiteReport(Name, version.ExitCode == 0 ? [] : [$"`{docker} version` exited {version.ExitCode}: {version.Stderr.Trim()}"]);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new PrerequisiteReport(Name, [$"`{docker}` cannot be started: {e.Message}"]);
        }
    }

    public override async Task<string> DescribeAsync(CancellationToken cancellationToken = default)
    {
        var version = await DockerCli.RunAsync(docker, ["version", "--format", "{{.Server.Version}}"], new Dictionary<string, string?>(), null, cancellationToken);
        return $"{Name} (docker CLI, Engine {version.Stdout.Trim()})";
    }

    protected override async Task<IAgentRuntime> LaunchAgentAsync(AgentLaunchContext context, CancellationToken cancellationToken)
    {
        var cli = new DockerCli(docker, context.DockerEndpoint);
        var name = context.BottleName + "-agent";

        // Registered before the container can exist: a run that fails half-way still leaves nothing behind.
        context.OnTeardown("remove agent", ct => cli.RemoveAsync(name, ct));
        List<string> run = ["run", "--detach", "--name", name, "--hostname", "agent", "--network", context.Network, "--dns", context.Bundle.Address, "--user", "0", "--entrypoint", "/bin/sh"];
        foreach (var (key, value) in context.ResourceLabels)
        {
            run.AddRange(["--label", $"{key}={value}"]);
        }

        run.AddRange([context.AgentImage, "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]);
        (await cli.RunAsync(run, cancellationToken)).ThrowOnFailure();
        var address = (await cli.RunAsync(["inspect", "--format", $"{{{{(index .NetworkSettings.Networks \"{context.Network}\").IPAddress}}}}", name], cancellationToken)).ThrowOnFailure().Stdout.Trim();
        return new Agent(cli, name, address.Length > 0 ? address : null);
    }

    /// <summary>The agent container: argv as root through <c>docker exec</c>, the guest env in the CLI's environment.</summary>
    private sealed class Agent(DockerCli cli, string container, string? address) : IAgentRuntime
    {
        public string? Address => address;

        public bool ResolvesPeers => true;

        public Task<BottleExecResult> ExecAsync(IReadOnlyList<string> argv, IReadOnlyList<KeyValuePair<string, string>> env, CancellationToken cancellationToken) =>
            cli.RunAsync([.. ExecArguments(env, tty: false, stdin: false), .. argv], cancellationToken, env);

        public async Task UploadAsync(IReadOnlyList<IAgentRuntime.GuestFile> files, CancellationToken cancellationToken)
        {
            foreach (var file in files)
            {
                var owner = $"{file.Uid}:{file.Gid}";
                var mode = Convert.ToString((int)file.Mode, 8);
                var placed = file.IsDirectory
                    ? await cli.RunAsync(["exec", "-u", "0", container, "sh", "-c", "mkdir -p -- \"$1\" && chown \"$2\" \"$1\" && chmod \"$3\" \"$1\"", "place", file.GuestPath, owner, mode], cancellationToken)
                    : await cli.RunAsync(["exec", "-i", "-u", "0", container, "sh", "-c", "cat > \"$1\" && chown \"$2\" \"$1\" && chmod \"$3\" \"$1\"", "place", file.GuestPath, owner, mode], cancellationToken, stdin: file.HostPath is { } host ? await File.ReadAllBytesAsync(host, cancellationToken) : file.Content!.Value.ToArray());
                if (placed.ExitCode != 0)
                {
                    throw new IOException($"cannot place {file.GuestPath} in {container}: {placed.Stderr.Trim()}");
                }
            }
        }

        public IBottle.HostCommandLine HostCommand(IReadOnlyList<string> guestArgv, IReadOnlyList<KeyValuePair<string, string>> env, bool tty) =>
            new([cli.Docker, .. ExecArguments(env, tty, stdin: true), .. guestArgv], cli.Environment(env));

        public async Task<string> LogsAsync(CancellationToken cancellationToken)
        {
            var logs = await cli.RunAsync(["logs", container], cancellationToken);
            return logs.Stdout + logs.Stderr;
        }

        /// <summary><c>exec -u 0 -e NAME… CONTAINER</c>: each variable by name only, its value in the CLI's environment, never in an argv.</summary>
        private List<string> ExecArguments(IReadOnlyList<KeyValuePair<string, string>> env, bool tty, bool stdin)
        {
            List<string> arguments = ["exec", "-u", "0"];
            if (stdin)
            {
                arguments.Add("-i");
            }

            if (tty)
            {
                arguments.Add("-t");
            }

            foreach (var (key, _) in env)
            {
                arguments.AddRange(["-e", key]);
            }

            arguments.Add(container);
            return arguments;
        }
    }
}

/// <summary>The docker CLI on one engine (<c>DOCKER_HOST</c>), every argument an argv element.</summary>
internal sealed class DockerCli(string docker, Uri? engine)
{
    public string Docker => docker;

    public Task<BottleExecResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken, IReadOnlyList<KeyValuePair<string, string>>? env = null, byte[]? stdin = null) =>
        RunAsync(docker, arguments, Environment(env ?? []), stdin, cancellationToken);

    /// <summary>Removes <paramref name="container"/> and its volumes; one that is already gone is fine.</summary>
    public async Task RemoveAsync(string container, CancellationToken cancellationToken)
    {
        var removed = await RunAsync(["rm", "--force", "--volumes", container], cancellationToken);
        if (removed.ExitCode != 0 && !removed.Stderr.Contains("No such container", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"docker rm {container}: {removed.Stderr.Trim()}");
        }
    }

    /// <summary>The CLI's environment: its engine, and the variables <c>-e NAME</c> passes on.</summary>
    public IReadOnlyDictionary<string, string?> Environment(IReadOnlyList<KeyValuePair<string, string>> env)
    {
        var variables = env.ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal);
        if (engine is not null)
        {
            variables["DOCKER_HOST"] = engine.ToString();
        }

        return variables;
    }

    public static async Task<BottleExecResult> RunAsync(string file, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?> environment, byte[]? stdin, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            if (stdin is not null)
            {
                await process.StandardInput.BaseStream.WriteAsync(stdin, cancellationToken);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(cancellationToken);
            return new BottleExecResult(process.ExitCode, await stdout, await stderr, clock.Elapsed);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }
}
