namespace BotBottle.Testing.Launch;

/// <summary>
/// A launch failed at <see cref="Step"/>. Everything created before it has been torn down;
/// teardown failures, if any, are listed in <see cref="TeardownFailures"/>.
/// </summary>
public sealed class BottleLaunchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BottleLaunchException(string backend, string bottleName, string step, Exception cause, IReadOnlyList<Exception> teardownFailures)
        : base(Describe(backend, bottleName, step, cause, teardownFailures), cause)
    {
        Backend = backend;
        BottleName = bottleName;
        Step = step;
        TeardownFailures = teardownFailures;
    }

    /// <summary>The backend that failed.</summary>
    public string Backend { get; }

    /// <summary>The bottle being launched.</summary>
    public string BottleName { get; }

    /// <summary>The launch step that failed.</summary>
    public string Step { get; }

    /// <summary>Undo steps that also failed while cleaning up.</summary>
    public IReadOnlyList<Exception> TeardownFailures { get; }

    private static string Describe(string backend, string name, string step, Exception cause, IReadOnlyList<Exception> teardown)
    {
        var text = $"{backend} bottle '{name}' failed to launch at step '{step}': {cause.Message}";
        return teardown.Count == 0
            ? text + " (everything created before it was torn down)"
            : text + $" (teardown also failed: {string.Join("; ", teardown.Select(t => t.Message))})";
    }
}
