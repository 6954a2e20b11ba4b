using Docker.DotNet;
using Docker.DotNet.Models;
using Version = System.Version;

namespace BotBottle.Testing.Docker;

/// <summary>
/// A connection to a Docker engine at an API version both sides speak. The harness reads the
/// engine's version first and picks the highest version it and the client support, so Debian 12's
/// engine (API 1.41) and Engine 29 (API 1.44 at least) both work without DOCKER_API_VERSION.
/// </summary>
public sealed class DockerEngine : IDisposable
{
    /// <summary>The newest engine API version the harness's client models are known to fit.</summary>
    public static readonly Version ClientMaximum = new(1, 51);

    /// <summary>The oldest engine API version the harness supports (Docker 20.10).</summary>
    public static readonly Version ClientMinimum = new(1, 41);

    private DockerEngine(DockerClient client, Uri endpoint, Version apiVersion, VersionResponse version)
    {
        Client = client;
        Endpoint = endpoint;
        ApiVersion = apiVersion;
        EngineVersion = version.Version;
    }

    /// <summary>The client, pinned to <see cref="ApiVersion"/>.</summary>
    public IDockerClient Client { get; }

    /// <summary>Where the engine listens.</summary>
    public Uri Endpoint { get; }

    /// <summary>The negotiated API version.</summary>
    public Version ApiVersion { get; }

    /// <summary>The engine's product version (e.g. 20.10.24).</summary>
    public string EngineVersion { get; }

    /// <summary>The engine endpoint: <paramref name="explicitEndpoint"/>, else DOCKER_HOST, else the default socket.</summary>
    public static Uri ResolveEndpoint(Uri? explicitEndpoint = null)
    {
        if (explicitEndpoint is not null)
        {
            return explicitEndpoint;
        }

        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrWhiteSpace(host))
        {
            return new Uri(host);
        }

        return OperatingSystem.IsWindows() ? new Uri("npipe://./pipe/docker_engine") : new Uri("unix:///var/run/docker.sock");
    }

    /// <summary>
    /// Picks the API version: the engine's own version capped at what this client knows, and never
    /// below what the engine accepts.
    /// </summary>
    public static Version Negotiate(Version engineMaximum, Version? engineMinimum)
    {
        ArgumentNullException.ThrowIfNull(engineMaximum);
        var chosen = engineMaximum < ClientMaximum ? engineMaximum : ClientMaximum;
        if (engineMinimum is not null && chosen < engineMinimum)
        {
            chosen = engineMinimum;
        }

        return chosen;
    }

    /// <summary>Connects, reads the engine version and returns a client pinned to the negotiated API version.</summary>
    public static async Task<DockerEngine> ConnectAsync(Uri? endpoint = null, CancellationToken cancellationToken = default)
    {
        var uri = ResolveEndpoint(endpoint);
        VersionResponse version;
        using (var probe = new DockerClientBuilder().WithEndpoint(uri).WithTimeout(TimeSpan.FromSeconds(10)).Build())
        {
            try
            {
                version = await probe.System.GetVersionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new DockerUnavailableException(uri, ex);
            }
        }

        var chosen = Negotiate(ParseApi(version.APIVersion), string.IsNullOrEmpty(version.MinAPIVersion) ? null : ParseApi(version.MinAPIVersion));
        if (chosen < ClientMinimum)
        {
            throw new DockerUnavailableException(uri, new NotSupportedException($"engine API {version.APIVersion} is older than the supported minimum {ClientMinimum}"));
        }

        var client = new DockerClientBuilder().WithEndpoint(uri).WithApiVersion(chosen).WithTimeout(TimeSpan.FromMinutes(5)).Build();
        return new DockerEngine(client, uri, chosen, version);
    }

    /// <summary>Null when an engine answers at <paramref name="endpoint"/>; otherwise why not.</summary>
    public static async Task<string?> CheckReachableAsync(Uri? endpoint = null, CancellationToken cancellationToken = default)
    {
        try
        {
            using var engine = await ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (DockerUnavailableException ex)
        {
            return ex.Message;
        }
    }

    /// <inheritdoc />
    public void Dispose() => (Client as IDisposable)?.Dispose();

    private static Version ParseApi(string text) => Version.Parse(text.Trim());
}

/// <summary>No Docker engine answered.</summary>
public sealed class DockerUnavailableException(Uri endpoint, Exception inner)
    : Exception($"docker engine unreachable at {endpoint} ({inner.Message}); start dockerd or set DOCKER_HOST (eng/engine/ensure-docker.sh starts one on Debian)", inner)
{
    /// <summary>The endpoint tried.</summary>
    public Uri Endpoint { get; } = endpoint;
}
