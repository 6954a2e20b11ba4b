namespace BotBottle.Testing.Sessions;

/// <summary>What a test touching the session's bottle must do.</summary>
public enum SessionGateKind
{
    /// <summary>The bottle runs: go on.</summary>
    Ready,

    /// <summary>The backend cannot run here and nobody requires it: skip, with the reason.</summary>
    Skip,

    /// <summary>The backend is required but cannot run, or the launch failed: fail, with the cause.</summary>
    Fail,
}

/// <summary>The session's verdict for tests, with the precise reason.</summary>
/// <param name="Kind">Ready, skip or fail.</param>
/// <param name="Reason">Why (empty when ready).</param>
/// <param name="Cause">The launch failure, when there was one.</param>
public sealed record SessionGate(SessionGateKind Kind, string Reason, Exception? Cause = null)
{
    /// <summary>
    /// Returns when ready; hands a skip to the framework's own skipping (<paramref name="skip"/> must
    /// throw, as xunit's skips do); throws <see cref="BottleSessionException"/> with the cause otherwise.
    /// </summary>
    public void Enforce(Action<string> skip)
    {
        ArgumentNullException.ThrowIfNull(skip);
        switch (Kind)
        {
            case SessionGateKind.Ready:
                return;
            case SessionGateKind.Skip:
                skip(Reason);
                throw new InvalidOperationException("the skip callback returned instead of skipping: " + Reason);
            default:
                throw new BottleSessionException(Reason, Cause);
        }
    }

    /// <summary>The gate for a backend's prerequisites alone: ready, skip, or fail when BOTBOTTLE_REQUIRE names it.</summary>
    public static SessionGate For(Launch.PrerequisiteReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.IsSatisfied ? new SessionGate(SessionGateKind.Ready, "")
            : Launch.BackendRequirements.IsRequired(report.Backend)
                ? new SessionGate(SessionGateKind.Fail, $"{report.Reason} ({Launch.BackendRequirements.Variable} requires {report.Backend}, so this is a failure, not a skip)")
                : new SessionGate(SessionGateKind.Skip, report.Reason);
    }
}
