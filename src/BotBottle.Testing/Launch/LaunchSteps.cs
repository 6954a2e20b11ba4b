using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Launch;

/// <summary>
/// The named steps of one launch: each is logged, passes the fault-injection seam, and fails as a
/// <see cref="LaunchStepException"/> naming it. Steps never unwind anything themselves: the launcher
/// unwinds once, after every step running at the same time has settled.
/// </summary>
internal sealed class LaunchSteps(string backend, string bottleName, ILogger logger)
{
    public async Task<T> RunAsync<T>(string step, Func<Task<T>> action)
    {
        logger.LogInformation("{Backend} bottle {Bottle}: {Step}", backend, bottleName, step);
        try
        {
            await LaunchFaults.BeforeAsync(step).ConfigureAwait(false);
            return await action().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (LaunchStepException)
        {
            throw;
        }
        catch (Exception ex)
        {
            throw new LaunchStepException(step, ex);
        }
    }

    public Task RunAsync(string step, Func<Task> action) =>
        RunAsync(step, async () =>
        {
            await action().ConfigureAwait(false);
            return true;
        });
}

/// <summary>A launch step failed; the launcher turns it into a <see cref="BottleLaunchException"/> after unwinding.</summary>
internal sealed class LaunchStepException(string step, Exception cause) : Exception($"{step}: {cause.Message}", cause)
{
    public string Step { get; } = step;
}

/// <summary>
/// The test seam of the launcher: a test makes a named step fail (in its own async flow only, so
/// parallel tests do not see each other's faults) to prove every step's failure unwinds everything.
/// </summary>
internal static class LaunchFaults
{
    private static readonly AsyncLocal<(string Step, Exception Fault)?> Planned = new();

    /// <summary>Makes <paramref name="step"/> throw <paramref name="fault"/> until the scope is disposed.</summary>
    public static IDisposable Inject(string step, Exception fault)
    {
        Planned.Value = (step, fault);
        return new Scope();
    }

    public static Task BeforeAsync(string step) =>
        Planned.Value is { } planned && planned.Step == step ? Task.FromException(planned.Fault) : Task.CompletedTask;

    private sealed class Scope : IDisposable
    {
        public void Dispose() => Planned.Value = null;
    }
}
