namespace BotBottle.Testing.Smolmachines;

/// <summary>How the smolmachines backend finds and drives smolvm. Immutable; use <c>with</c> to vary.</summary>
public sealed record SmolmachinesOptions
{
    /// <summary>The smolvm executable name or path (looked up on <see cref="SearchPath"/>).</summary>
    public string Smolvm { get; init; } = "smolvm";

    /// <summary>The PATH to look smolvm up on; null means this process's PATH.</summary>
    public string? SearchPath { get; init; }

    /// <summary>Extra environment for every smolvm process (e.g. XDG_DATA_HOME to isolate state).</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Where packed agent images are cached; default: the user's cache directory.</summary>
    public string? PackCacheDirectory { get; init; }

    /// <summary>How long to wait for a started machine to answer an exec.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Pause between readiness polls.</summary>
    public TimeSpan ReadyPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Pause before the single retry of an exec killed with 137.</summary>
    public TimeSpan RetrySettle { get; init; } = Guest.ExecRetry.DefaultSettle;

    /// <summary>vCPUs per machine; null keeps smolvm's default.</summary>
    public int? Cpus { get; init; }

    /// <summary>Memory per machine in MiB; null keeps smolvm's default.</summary>
    public int? MemoryMib { get; init; }

    /// <summary>The command that starts the PTY-resize bridge; null finds the one shipped beside this library.</summary>
    public IReadOnlyList<string>? PtyBridgeCommand { get; init; }

    /// <summary>The operating-system facts the prerequisite check reads (replaceable in tests).</summary>
    public HostPlatform Platform { get; init; } = HostPlatform.Current;
}
