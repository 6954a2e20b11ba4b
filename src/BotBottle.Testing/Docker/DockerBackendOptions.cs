namespace BotBottle.Testing.Docker;

/// <summary>How the docker backend reaches its engine and runs agents. Immutable; use <c>with</c> to vary.</summary>
/// <example><code>new DockerBackend(new DockerBackendOptions { Endpoint = new Uri("unix:///run/user/1000/docker.sock") })</code></example>
public sealed record DockerBackendOptions
{
    /// <summary>
    /// The engine endpoint; null finds it the way Testcontainers and the docker CLI do (<c>DOCKER_HOST</c>, a docker
    /// context, <c>~/.testcontainers.properties</c>, Docker Desktop, OrbStack, colima, rootless and podman sockets).
    /// </summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The docker CLI the interactive agent command line starts.</summary>
    public string DockerCli { get; init; } = "docker";

    /// <summary>How long to wait for a started agent to answer an exec.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long to wait for a started bundle's proxy (a bundle whose process exits fails at once).</summary>
    public TimeSpan BundleReadyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Pause before the single retry of an exec killed with 137.</summary>
    public TimeSpan RetrySettle { get; init; } = Guest.ExecRetry.DefaultSettle;

    /// <summary>
    /// Run a bottle's execs through one long-lived exec into its agent (it needs perl in the agent image), so that each
    /// costs one round trip on an open stream instead of a new engine exec. User, environment, exit codes (128+signal),
    /// binary output, concurrency and cancellation are the same either way; false, or an image without perl, runs every
    /// exec as its own engine exec.
    /// </summary>
    public bool ExecChannel { get; init; } = true;

    /// <summary>Remove labelled resources left by harness processes that no longer run (once per process and engine).</summary>
    public bool SweepOrphans { get; init; } = true;
}
