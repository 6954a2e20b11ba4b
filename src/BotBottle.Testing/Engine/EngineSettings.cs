namespace BotBottle.Testing.Engine;

/// <summary>
/// The engine settings a Docker user (and a Testcontainers user) already has: the environment
/// (<c>DOCKER_HOST</c>, <c>DOCKER_CONTEXT</c>, <c>DOCKER_CONFIG</c>, <c>DOCKER_TLS_VERIFY</c>,
/// <c>DOCKER_CERT_PATH</c>, <c>TESTCONTAINERS_*</c>), then <c>~/.testcontainers.properties</c>
/// (<c>tc.host</c>, <c>docker.host</c>, <c>docker.context</c>, <c>docker.tls.verify</c>, <c>docker.cert.path</c>,
/// <c>ryuk.disabled</c>, ...), the environment winning as it does in Testcontainers. Testcontainers
/// keeps its own readers internal, so the harness reads the same names itself.
/// </summary>
internal sealed class EngineSettings
{
    private readonly Func<string, string?> _environment;
    private readonly IReadOnlyDictionary<string, string> _properties;

    public EngineSettings(Func<string, string?> environment, IReadOnlyDictionary<string, string> properties, string home)
    {
        _environment = environment;
        _properties = properties;
        Home = home;
    }

    /// <summary>This process's settings.</summary>
    public static EngineSettings Current => FromHome(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), Environment.GetEnvironmentVariable);

    /// <summary>The user's home (contexts, sockets and the properties file are found under it).</summary>
    public string Home { get; }

    /// <summary><c>tc.host</c>: the endpoint Testcontainers Desktop / Cloud writes into the properties file.</summary>
    public string? TestcontainersHost => Property("tc.host");

    /// <summary><c>DOCKER_HOST</c>, else <c>docker.host</c>.</summary>
    public string? DockerHost => Get("DOCKER_HOST", "docker.host");

    /// <summary><c>DOCKER_CONTEXT</c>, else <c>docker.context</c>.</summary>
    public string? DockerContext => Get("DOCKER_CONTEXT", "docker.context");

    /// <summary>The docker CLI's configuration directory: <c>DOCKER_CONFIG</c>, <c>docker.config</c>, else <c>~/.docker</c>.</summary>
    public string DockerConfigDirectory => Get("DOCKER_CONFIG", "docker.config") ?? Path.Combine(Home, ".docker");

    /// <summary>Whether the engine's TLS certificate is verified against <c>ca.pem</c> (<c>DOCKER_TLS_VERIFY</c>).</summary>
    public bool TlsVerify => IsTrue(Get("DOCKER_TLS_VERIFY", "docker.tls.verify"));

    /// <summary>Whether TLS is used without verifying the engine (<c>DOCKER_TLS</c>).</summary>
    public bool Tls => TlsVerify || IsTrue(Get("DOCKER_TLS", "docker.tls"));

    /// <summary>Where <c>ca.pem</c>, <c>cert.pem</c> and <c>key.pem</c> live (<c>DOCKER_CERT_PATH</c>, else <c>~/.docker</c>).</summary>
    public string CertPath => Get("DOCKER_CERT_PATH", "docker.cert.path") ?? Path.Combine(Home, ".docker");

    /// <summary><c>TESTCONTAINERS_RYUK_DISABLED</c> / <c>ryuk.disabled</c>: the user turned reaping off.</summary>
    public bool ReaperDisabled => IsTrue(Get("TESTCONTAINERS_RYUK_DISABLED", "ryuk.disabled"));

    /// <summary><c>TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE</c> / <c>docker.socket.override</c>: the engine socket as seen by containers.</summary>
    public string? DockerSocketOverride => Get("TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE", "docker.socket.override");

    /// <summary><c>XDG_RUNTIME_DIR</c> (rootless docker and podman sockets live there).</summary>
    public string? RuntimeDirectory => _environment("XDG_RUNTIME_DIR") is { Length: > 0 } dir ? dir : null;

    /// <summary>The settings for <paramref name="home"/>, reading its properties file and <paramref name="environment"/>.</summary>
    public static EngineSettings FromHome(string home, Func<string, string?> environment)
    {
        var file = Path.Combine(home, ".testcontainers.properties");
        var properties = File.Exists(file) ? ParseProperties(File.ReadAllLines(file)) : new Dictionary<string, string>();
        return new EngineSettings(environment, properties, home);
    }

    /// <summary>Java-properties lines (<c>key=value</c> or <c>key: value</c>, <c>#</c>/<c>!</c> comments).</summary>
    public static IReadOnlyDictionary<string, string> ParseProperties(IEnumerable<string> lines)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or '!')
            {
                continue;
            }

            var split = line.IndexOfAny(['=', ':']);
            if (split > 0)
            {
                properties[line[..split].Trim()] = line[(split + 1)..].Trim();
            }
        }

        return properties;
    }

    private string? Get(string variable, string property) =>
        _environment(variable) is { Length: > 0 } value ? value : Property(property);

    private string? Property(string name) => _properties.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    private static bool IsTrue(string? value) => value is "1" || string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
}
