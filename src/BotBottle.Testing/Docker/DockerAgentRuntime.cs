using BotBottle.Testing.Bottles;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Guest;

namespace BotBottle.Testing.Docker;

/// <summary>An agent container: execs and uploads through the engine API, the interactive command line through the docker CLI.</summary>
internal sealed class DockerAgentRuntime(EngineContainer container, string? address, string dockerCli) : IAgentRuntime
{
    public string? Address => address;

    public bool ResolvesPeers => true;

    public Task<ExecResult> ExecAsync(IReadOnlyList<string> argv, IReadOnlyList<KeyValuePair<string, string>> env, CancellationToken cancellationToken) =>
        container.ExecAsync(argv, "0", env.Select(p => p.Key + "=" + p.Value).ToList(), cancellationToken);

    public async Task UploadAsync(IReadOnlyList<GuestFile> files, CancellationToken cancellationToken)
    {
        using var tar = await EngineArchive.CreateAsync(files, cancellationToken).ConfigureAwait(false);
        await container.ExtractAsync(tar, "/", cancellationToken).ConfigureAwait(false);
    }

    public HostCommandLine HostCommand(IReadOnlyList<string> guestArgv, IReadOnlyList<KeyValuePair<string, string>> env, bool tty)
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
        return new HostCommandLine(argv, env.ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal));
    }

    public Task<string> LogsAsync(CancellationToken cancellationToken) => container.LogsAsync(cancellationToken);

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
