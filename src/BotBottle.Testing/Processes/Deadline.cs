namespace BotBottle.Testing.Processes;

/// <summary>
/// The one "try until it works or the deadline passes" loop of the harness (container readiness,
/// machine readiness, a shared subnet to free up). Each attempt says whether it is done, and if not,
/// why, so a timeout can say what the last attempt saw.
/// </summary>
internal static class Deadline
{
    /// <summary>The outcome of one attempt.</summary>
    public readonly record struct Attempt<T>(bool Done, T Value, string Last)
    {
        public static Attempt<T> Success(T value) => new(true, value, "");

        public static Attempt<T> Retry(string why) => new(false, default!, why);
    }

    /// <summary>
    /// Calls <paramref name="attempt"/> until it is done, pausing <paramref name="interval"/> between tries; after
    /// <paramref name="timeout"/> throws what <paramref name="timedOut"/> makes (asynchronously: it may read logs) of the last attempt's reason.
    /// An attempt may also throw to stop at once (a container that exited will never become ready).
    /// </summary>
    public static async Task<T> PollAsync<T>(
        Func<CancellationToken, Task<Attempt<T>>> attempt,
        TimeSpan timeout,
        TimeSpan interval,
        Func<string, Task<Exception>> timedOut,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(timedOut);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var result = await attempt(cancellationToken).ConfigureAwait(false);
            if (result.Done)
            {
                return result.Value;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw await timedOut(result.Last).ConfigureAwait(false);
            }

            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
        }
    }
}
