using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Launch;

/// <summary>
/// Runs the named steps of one launch against a <see cref="TeardownStack"/>: when a step throws,
/// the stack is unwound at once and a <see cref="BottleLaunchException"/> names the step.
/// </summary>
internal sealed class LaunchSteps(string backend, string bottleName, TeardownStack teardown, ILogger logger)
{
    public TeardownStack Teardown { get; } = teardown;

    public async Task<T> RunAsync<T>(string step, Func<Task<T>> action)
    {
        logger.LogInformation("{Backend} bottle {Bottle}: {Step}", backend, bottleName, step);
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Cancelled launches still clean up, and surface as the cancellation they are.
            await Teardown.UnwindAsync().ConfigureAwait(false);
            throw;
        }
        catch (Exception ex)
        {
            var failures = await Teardown.UnwindAsync().ConfigureAwait(false);
            throw new BottleLaunchException(backend, bottleName, step, ex, failures);
        }
    }

    public Task RunAsync(string step, Func<Task> action) =>
        RunAsync(step, async () =>
        {
            await action().ConfigureAwait(false);
            return true;
        });
}
