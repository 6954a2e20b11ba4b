using Docker.DotNet.Handler.Abstractions;

namespace BotBottle.Testing.Engine;

/// <summary>
/// Where a Docker engine may be reached, and how: its URI, the TLS credentials it needs, the docker
/// context it came from (so the docker CLI can be pointed at the same engine), and a sentence saying
/// which setting named it, for messages ("DOCKER_HOST", "docker context 'colima'", ...).
/// </summary>
internal sealed record EngineEndpoint(Uri Uri, string Source)
{
    /// <summary>TLS client credentials (DOCKER_TLS_VERIFY / DOCKER_CERT_PATH), or null.</summary>
    public IAuthProvider? Auth { get; init; }

    /// <summary>The docker context that named this endpoint, or null.</summary>
    public string? Context { get; init; }

    /// <summary>The ssh executable an <c>ssh://</c> endpoint is dialled through (tests point it at a stand-in).</summary>
    public string SshCommand { get; init; } = "ssh";

    /// <summary>True for a unix socket path that does not exist: not worth a connection attempt.</summary>
    public bool IsMissingSocket => Uri.Scheme == "unix" && !File.Exists(Uri.LocalPath);

    /// <summary>The arguments that point the docker CLI at this engine (for the interactive agent command line).</summary>
    public IReadOnlyList<string> CliArguments => Context is { } context ? ["--context", context] : ["--host", Uri.ToString()];

    /// <inheritdoc />
    public override string ToString() => $"{Uri} ({Source})";
}
