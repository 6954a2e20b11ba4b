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

    /// <summary>
    /// Runs a step that creates something. The creation is never cancelled half-way (an abandoned
    /// request can still complete on the engine's side and leave a resource nobody registered), its
    /// undo is registered at once, and only then is cancellation observed, unwinding it with the rest.
    /// </summary>
    public async Task<T> CreateAsync<T>(string step, Func<CancellationToken, Task<T>> create, string undoDescription, Func<T, CancellationToken, Task> undo, CancellationToken cancellationToken)
    {
        var created = await RunAsync(step, () => create(CancellationToken.None)).ConfigureAwait(false);
        Teardown.Push(undoDescription, ct => undo(created, ct));
        await RunAsync(step, () =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.CompletedTask;
        }).ConfigureAwait(false);
        return created;
    }

    public Task RunAsync(string step, Func<Task> action) =>
        RunAsync(step, async () =>
        {
            await action().ConfigureAwait(false);
            return true;
        });
}
