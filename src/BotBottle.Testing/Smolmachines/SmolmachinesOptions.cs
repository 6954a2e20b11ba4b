namespace BotBottle.Testing.Smolmachines;

/// <summary>How the smolmachines backend finds and drives smolvm. Immutable; use <c>with</c> to vary.</summary>
/// <example><code>new SmolmachinesBackend(new SmolmachinesOptions { Cpus = 2, MemoryMib = 2048 })</code></example>
public sealed record SmolmachinesOptions
{
    /// <summary>The smolvm executable name or path (looked up on <see cref="SearchPath"/>).</summary>
    public string Smolvm { get; init; } = "smolvm";

    /// <summary>The PATH to look smolvm up on; null means this process's PATH.</summary>
    public string? SearchPath { get; init; }

    /// <summary>Extra environment for every smolvm process (e.g. XDG_DATA_HOME to isolate its state).</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Where agent images saved for smolvm are cached; default: the user's cache directory.</summary>
    public string? ImageCacheDirectory { get; init; }

    /// <summary>The docker engine the bundle runs on (null: found like the docker backend's).</summary>
    public Uri? DockerEndpoint { get; init; }

    /// <summary>How long to wait for a started machine to answer an exec (the first start of an image can take minutes).</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Pause between readiness polls.</summary>
    public TimeSpan ReadyPollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long to wait for a started bundle's proxy.</summary>
    public TimeSpan BundleReadyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Pause before the single retry of an exec killed with 137.</summary>
    public TimeSpan RetrySettle { get; init; } = Guest.ExecRetry.DefaultSettle;

    /// <summary>vCPUs per machine; null keeps smolvm's default (4).</summary>
    public int? Cpus { get; init; }

    /// <summary>Memory per machine in MiB; null keeps smolvm's default (8192).</summary>
    public int? MemoryMib { get; init; }

    /// <summary>
    /// Wrap interactive sessions in the PTY-resize bridge even when smolvm forwards the terminal size itself (it does
    /// from 0.8.1, so every supported version does); null finds the bridge shipped beside this library when needed.
    /// </summary>
    public bool AlwaysBridgeTerminalSize { get; init; }

    /// <summary>The command that starts the PTY-resize bridge; null finds the one shipped beside this library.</summary>
    public IReadOnlyList<string>? PtyBridgeCommand { get; init; }

    /// <summary>The operating-system facts the prerequisite check reads (an emulator's platform in the harness's own tests).</summary>
    internal HostPlatform Platform { get; init; } = HostPlatform.Current;

    /// <summary>Where every smolvm call is recorded (argv, exit code, stderr, timing): the doctor's support bundle; null records nothing.</summary>
    internal SmolvmCallLog? CallLog { get; init; }
}
