namespace BotBottle.Testing.Docker;

/// <summary>How the docker backend reaches its engine and runs agents. Immutable; use <c>with</c> to vary.</summary>
public sealed record DockerBackendOptions
{
    /// <summary>The engine endpoint; null means DOCKER_HOST or the default socket.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The docker CLI used for the interactive agent command line.</summary>
    public string DockerCli { get; init; } = "docker";

    /// <summary>How long to wait for a started agent to answer an exec.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Pause before the single retry of an exec killed with 137.</summary>
    public TimeSpan RetrySettle { get; init; } = Guest.ExecRetry.DefaultSettle;

    /// <summary>Remove labelled resources left by harness processes that no longer run (once per process).</summary>
    public bool SweepOrphans { get; init; } = true;

    /// <summary>The command the agent container keeps running (PID 1 is docker's init, so it stops at once).</summary>
    public IReadOnlyList<string> AgentKeepAlive { get; init; } = ["/bin/sh", "-c", "while :; do sleep 3600; done"];
}
