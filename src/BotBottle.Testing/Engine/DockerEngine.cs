using Docker.DotNet;
using Docker.DotNet.Handler.Abstractions;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Configurations;
using Version = System.Version;

namespace BotBottle.Testing.Engine;

/// <summary>
/// A connection to one Docker engine at an API version both sides speak. The harness reads the engine's
/// version unversioned first and pins the highest version it and the client share, so Debian 12's engine
/// (API 1.41) and Engine 29 (API 1.44 and up) both work with no <c>DOCKER_API_VERSION</c>.
/// Testcontainers pins 1.44 unless that variable is set, which Docker 20.10 refuses: this is where the two
/// disagree, and why the harness hands Testcontainers' builders its own negotiated
/// <see cref="IDockerEndpointAuthenticationConfiguration"/> (<see cref="TestcontainersEndpoint"/>).
/// </summary>
internal sealed class DockerEngine : IDisposable
{
    /// <summary>The newest engine API version the client's models are known to fit.</summary>
    public static readonly Version ClientMaximum = new(1, 51);

    /// <summary>The oldest engine API version the harness supports (Docker 20.10).</summary>
    public static readonly Version ClientMinimum = new(1, 41);

    private DockerEngine(DockerClient client, EngineEndpoint endpoint, Version apiVersion, VersionResponse version, string product)
    {
        Client = client;
        Endpoint = endpoint;
        ApiVersion = apiVersion;
        EngineVersion = version.Version;
        Product = product;
        TestcontainersEndpoint = new NegotiatedEndpoint(endpoint, apiVersion);
    }

    /// <summary>The client, pinned to <see cref="ApiVersion"/>.</summary>
    public IDockerClient Client { get; }

    /// <summary>Whether the engine maps container uids to other host uids (<c>userns-remap</c>).</summary>
    public bool RemapsUsers { get; private init; }

    /// <summary>Where the engine was found, and by which setting.</summary>
    public EngineEndpoint Endpoint { get; }

    /// <summary>The negotiated API version.</summary>
    public Version ApiVersion { get; }

    /// <summary>The engine's product version (e.g. 20.10.24+dfsg1).</summary>
    public string EngineVersion { get; }

    /// <summary>What runs the engine: "Docker Desktop", "OrbStack", "colima", "podman", or the host's OS name.</summary>
    public string Product { get; }

    /// <summary>The same endpoint and negotiated version for Testcontainers' builders (<c>WithDockerEndpoint</c>).</summary>
    public IDockerEndpointAuthenticationConfiguration TestcontainersEndpoint { get; }

    /// <summary>"Engine 20.10.24 (API 1.41)", as reports name a column.</summary>
    public string Description => $"Engine {EngineVersion.Split('+')[0]}, API {ApiVersion.ToString(2)}";

    /// <summary>
    /// Picks the API version: the engine's own capped at what this client knows, never below what the engine accepts.
    /// </summary>
    public static Version Negotiate(Version engineMaximum, Version? engineMinimum)
    {
        ArgumentNullException.ThrowIfNull(engineMaximum);
        var chosen = engineMaximum < ClientMaximum ? engineMaximum : ClientMaximum;
        return engineMinimum is not null && chosen < engineMinimum ? engineMinimum : chosen;
    }

    /// <summary>Connects to the first candidate that answers; every candidate's failure is named when none does.</summary>
    public static async Task<DockerEngine> ConnectAsync(IReadOnlyList<EngineEndpoint> candidates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var failures = new List<string>();
        foreach (var candidate in candidates)
        {
            if (candidate.IsMissingSocket)
            {
                failures.Add($"{candidate.Uri.LocalPath} ({candidate.Source}) does not exist");
                continue;
            }

            try
            {
                return await ConnectAsync(candidate, cancellationToken).ConfigureAwait(false);
            }
            catch (EngineUnavailableException e)
            {
                failures.Add(e.Message);
            }
        }

        var tried = failures.Count == 0 ? "no endpoint is configured" : string.Join("; ", failures);
        throw new EngineUnavailableException(
            $"no docker engine answered ({tried}); start one (Docker Desktop, OrbStack, colima, or dockerd: eng/engine/ensure-docker.sh) or point DOCKER_HOST / a docker context at it");
    }

    /// <summary>Connects to <paramref name="endpoint"/>, reads its version and returns a client pinned to the negotiated version.</summary>
    public static async Task<DockerEngine> ConnectAsync(EngineEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        VersionResponse version;
        SystemInfoResponse? info;
        using (var probe = Builder(endpoint, apiVersion: null).WithTimeout(TimeSpan.FromSeconds(10)).Build())
        {
            try
            {
                version = await probe.System.GetVersionAsync(cancellationToken).ConfigureAwait(false);
                info = await probe.System.GetSystemInfoAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw new EngineUnavailableException($"{endpoint.Uri} ({endpoint.Source}) did not answer: {ex.GetBaseException().Message}", ex);
            }
        }

        var chosen = Negotiate(Version.Parse(version.APIVersion), string.IsNullOrEmpty(version.MinAPIVersion) ? null : Version.Parse(version.MinAPIVersion));
        if (chosen < ClientMinimum)
        {
            throw new EngineUnavailableException($"{endpoint.Uri} ({endpoint.Source}) speaks API {version.APIVersion}, older than the supported minimum {ClientMinimum} (Docker 20.10)");
        }

        var client = Builder(endpoint, chosen).WithTimeout(TimeSpan.FromMinutes(5)).Build();
        return new DockerEngine(client, endpoint, chosen, version, ProductOf(info, endpoint))
        {
            RemapsUsers = info?.SecurityOptions?.Any(o => o.Contains("name=userns", StringComparison.Ordinal)) == true,
        };
    }

    /// <inheritdoc />
    public void Dispose() => (Client as IDisposable)?.Dispose();

    /// <summary>A client builder for <paramref name="endpoint"/>; ssh endpoints go through <see cref="SshDialStdio"/>.</summary>
    public static DockerClientBuilder Builder(EngineEndpoint endpoint, Version? apiVersion)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var builder = new DockerClientBuilder().WithEndpoint(endpoint.Uri);
        if (apiVersion is not null)
        {
            builder = builder.WithApiVersion(apiVersion);
        }

        if (endpoint.Auth is not null)
        {
            builder = builder.WithAuthProvider(endpoint.Auth);
        }

        return endpoint.Uri.Scheme == "ssh"
            ? builder.WithTransportOptions(SshDialStdio.Instance, new SshDialStdio.Options(endpoint.Uri, endpoint.SshCommand))
            : builder;
    }

    private static string ProductOf(SystemInfoResponse? info, EngineEndpoint endpoint)
    {
        var os = info?.OperatingSystem ?? "";
        var name = info?.Name ?? "";
        var where = endpoint.Uri.ToString() + " " + endpoint.Source;
        if (os.Contains("Docker Desktop", StringComparison.OrdinalIgnoreCase))
        {
            return "Docker Desktop";
        }

        if (os.Contains("OrbStack", StringComparison.OrdinalIgnoreCase) || where.Contains("orbstack", StringComparison.OrdinalIgnoreCase))
        {
            return "OrbStack";
        }

        if (name.Contains("colima", StringComparison.OrdinalIgnoreCase) || where.Contains("colima", StringComparison.OrdinalIgnoreCase))
        {
            return "colima";
        }

        if (where.Contains("podman", StringComparison.OrdinalIgnoreCase))
        {
            return "podman";
        }

        return os.Length > 0 ? os : "docker";
    }

    /// <summary>
    /// Testcontainers' endpoint contract with the harness's negotiated API version (its own pins 1.44).
    /// </summary>
    private sealed class NegotiatedEndpoint(EngineEndpoint endpoint, Version apiVersion) : IDockerEndpointAuthenticationConfiguration
    {
        public Version Version => apiVersion;

        public Uri Endpoint => endpoint.Uri;

        public IAuthProvider? AuthProvider => endpoint.Auth;

        public DockerClientBuilder GetDockerClientBuilder(Guid sessionId = default) => Builder(endpoint, apiVersion);
    }
}

/// <summary>No Docker engine answered, with every endpoint tried and why it failed.</summary>
internal sealed class EngineUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EngineUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public EngineUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public EngineUnavailableException()
    {
    }
}
