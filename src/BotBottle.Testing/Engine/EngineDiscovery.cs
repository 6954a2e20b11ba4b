using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Docker.DotNet.X509;
using DotNet.Testcontainers.Configurations;

namespace BotBottle.Testing.Engine;

/// <summary>
/// Finds the Docker engine the user means, in Testcontainers' order of precedence:
/// <list type="number">
/// <item>Testcontainers' own discovery (<c>TestcontainersSettings.OS.DockerEndpointAuthConfig</c>) when it found an
/// engine. It pings every candidate at API 1.44, so against Docker 20.10 (API 1.41) it finds nothing and the
/// harness continues with the same sources read by itself:</item>
/// <item><c>tc.host</c> in <c>~/.testcontainers.properties</c>;</item>
/// <item><c>DOCKER_HOST</c> / <c>docker.host</c> (unix, tcp with <c>DOCKER_TLS_VERIFY</c>/<c>DOCKER_CERT_PATH</c>, ssh);</item>
/// <item><c>DOCKER_CONTEXT</c> / <c>docker.context</c>, else the docker CLI's <c>currentContext</c>;</item>
/// <item>the sockets engines put in well-known places: <c>/var/run/docker.sock</c>, Docker Desktop's
/// <c>~/.docker/run/docker.sock</c>, rootless docker under <c>XDG_RUNTIME_DIR</c>, colima, OrbStack, podman.</item>
/// </list>
/// An explicitly configured endpoint (an option, <c>tc.host</c>, <c>DOCKER_HOST</c>, a context) is authoritative,
/// as it is for the docker CLI: when it does not answer, the harness says so instead of silently using another engine.
/// </summary>
internal static class EngineDiscovery
{
    /// <summary>The endpoints to try, in order. The first one whose engine answers is used.</summary>
    public static IReadOnlyList<EngineEndpoint> Candidates(EngineSettings settings, Uri? explicitEndpoint = null, bool askTestcontainers = true)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (explicitEndpoint is not null)
        {
            return [Configured(explicitEndpoint, "the backend's Endpoint option", settings)];
        }

        var candidates = new List<EngineEndpoint>();
        if (askTestcontainers && TestcontainersEndpoint() is { } fromTestcontainers)
        {
            candidates.Add(fromTestcontainers);
        }

        if (settings.TestcontainersHost is { } tcHost)
        {
            candidates.Add(Configured(new Uri(tcHost), "tc.host in ~/.testcontainers.properties", settings));
        }
        else if (settings.DockerHost is { } host)
        {
            candidates.Add(Configured(new Uri(host), "DOCKER_HOST", settings));
        }
        else if (ContextEndpoint(settings) is { } context)
        {
            candidates.Add(context);
        }
        else
        {
            candidates.AddRange(WellKnownSockets(settings));
        }

        return candidates.DistinctBy(c => c.Uri.ToString()).ToList();
    }

    /// <summary>The sockets engines create in well-known places, most common first.</summary>
    public static IEnumerable<EngineEndpoint> WellKnownSockets(EngineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (OperatingSystem.IsWindows())
        {
            yield return new EngineEndpoint(new Uri("npipe://./pipe/docker_engine"), "Docker Desktop's named pipe");
            yield break;
        }

        var home = settings.Home;
        yield return Socket("/var/run/docker.sock", "the default socket");
        yield return Socket(Path.Combine(home, ".docker", "run", "docker.sock"), "Docker Desktop's socket");
        yield return Socket(Path.Combine(home, ".docker", "desktop", "docker.sock"), "Docker Desktop's socket");
        if (settings.RuntimeDirectory is { } runtime)
        {
            yield return Socket(Path.Combine(runtime, "docker.sock"), "rootless docker's socket");
            yield return Socket(Path.Combine(runtime, "podman", "podman.sock"), "podman's socket");
        }

        yield return Socket(Path.Combine(home, ".colima", "default", "docker.sock"), "colima's socket");
        yield return Socket(Path.Combine(home, ".colima", "docker.sock"), "colima's socket");
        yield return Socket(Path.Combine(home, ".orbstack", "run", "docker.sock"), "OrbStack's socket");
        yield return Socket("/run/podman/podman.sock", "podman's socket");
    }

    /// <summary>The endpoint of the docker context the user selected (<c>DOCKER_CONTEXT</c>, else the CLI's current context), or null for none or "default".</summary>
    public static EngineEndpoint? ContextEndpoint(EngineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var directory = settings.DockerConfigDirectory;
        var name = settings.DockerContext ?? CurrentContext(directory);
        if (name is null or "default")
        {
            return null;
        }

        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(name))).ToLowerInvariant();
        var meta = Path.Combine(directory, "contexts", "meta", hash, "meta.json");
        if (!File.Exists(meta))
        {
            throw new EngineUnavailableException($"the docker context '{name}' does not exist (no {meta}); run `docker context ls`");
        }

        using var document = JsonDocument.Parse(File.ReadAllText(meta));
        var host = document.RootElement.TryGetProperty("Endpoints", out var endpoints)
            && endpoints.TryGetProperty("docker", out var docker)
            && docker.TryGetProperty("Host", out var value) ? value.GetString() : null;
        if (string.IsNullOrEmpty(host))
        {
            throw new EngineUnavailableException($"the docker context '{name}' names no docker endpoint ({meta})");
        }

        var tls = Path.Combine(directory, "contexts", "tls", hash, "docker");
        var auth = File.Exists(Path.Combine(tls, "cert.pem")) ? Certificates(tls, File.Exists(Path.Combine(tls, "ca.pem"))) : null;
        return new EngineEndpoint(new Uri(host), $"docker context '{name}'") { Context = name, Auth = auth };
    }

    private static EngineEndpoint? TestcontainersEndpoint()
    {
        try
        {
            var config = TestcontainersSettings.OS.DockerEndpointAuthConfig;
            return config?.Endpoint is { } uri ? new EngineEndpoint(uri, "Testcontainers' endpoint discovery") { Auth = config.AuthProvider } : null;
        }
        catch (Exception e) when (e is InvalidOperationException or TypeInitializationException or IOException)
        {
            // A broken Testcontainers setting (a missing context, say) must not hide the harness's own discovery.
            return null;
        }
    }

    private static EngineEndpoint Configured(Uri uri, string source, EngineSettings settings)
    {
        var auth = uri.Scheme is "tcp" or "https" && settings.Tls ? Certificates(settings.CertPath, settings.TlsVerify) : null;
        return new EngineEndpoint(uri, source) { Auth = auth };
    }

    private static global::Docker.DotNet.Handler.Abstractions.IAuthProvider Certificates(string directory, bool verify)
    {
        try
        {
            return DockerTlsCertificates.LoadFromDirectory(directory, verify, "ca.pem", "cert.pem", "key.pem").CreateCredentials();
        }
        catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
        {
            throw new EngineUnavailableException($"the TLS certificates in {directory} could not be loaded ({e.Message}); check DOCKER_CERT_PATH", e);
        }
    }

    private static string? CurrentContext(string configDirectory)
    {
        var file = Path.Combine(configDirectory, "config.json");
        if (!File.Exists(file))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            return document.RootElement.TryGetProperty("currentContext", out var current) ? current.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static EngineEndpoint Socket(string path, string what) => new(new Uri("unix://" + path), what);
}
