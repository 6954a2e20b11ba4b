namespace BotBottle.Testing.Launch;

/// <summary>
/// A launch failed at <see cref="Step"/>. Everything created before it has been torn down;
/// teardown failures, if any, are listed in <see cref="TeardownFailures"/>.
/// </summary>
public sealed class BottleLaunchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BottleLaunchException(string backend, string bottleName, string step, Exception cause, IReadOnlyList<Exception> teardownFailures)
        : this(backend, bottleName, step, cause, teardownFailures, null)
    {
    }

    internal BottleLaunchException(string backend, string bottleName, string step, Exception cause, IReadOnlyList<Exception> teardownFailures, KeptBottle? kept)
        : base(Describe(backend, bottleName, step, cause, teardownFailures, kept), cause)
    {
        Backend = backend;
        BottleName = bottleName;
        Step = step;
        TeardownFailures = teardownFailures;
        KeptUntil = kept?.Until;
    }

    /// <summary>The backend that failed.</summary>
    public string Backend { get; }

    /// <summary>The bottle being launched.</summary>
    public string BottleName { get; }

    /// <summary>The launch step that failed.</summary>
    public string Step { get; }

    /// <summary>Undo steps that also failed while cleaning up.</summary>
    public IReadOnlyList<Exception> TeardownFailures { get; }

    /// <summary>
    /// For a bottle kept on failure (<see cref="BottleBuilder.WithKeepOnFailure"/>): until when its resources are left for
    /// debugging (the message says how to remove them by hand); null when everything was torn down.
    /// </summary>
    public DateTimeOffset? KeptUntil { get; }

    private static string Describe(string backend, string name, string step, Exception cause, IReadOnlyList<Exception> teardown, KeptBottle? kept)
    {
        var text = $"{backend} bottle '{name}' failed to launch at step '{step}': {cause.Message}";
        if (kept is not null)
        {
            return text + $"; kept for debugging until {kept.Until.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC, after which the next launch's sweep removes it; remove it by hand with: {kept.RemoveByHand}";
        }

        return teardown.Count == 0
            ? text + " (everything created before it was torn down)"
            : text + $" (teardown also failed: {string.Join("; ", teardown.Select(t => t.Message))})";
    }
}

/// <summary>What a failed launch kept for debugging: until when, and the command that removes it by hand.</summary>
internal sealed record KeptBottle(DateTimeOffset Until, string RemoveByHand);
