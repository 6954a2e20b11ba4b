using BotBottle.Testing.Engine;
using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Launch;

/// <summary>
/// The undo log of everything a launch (or a probe range, or an inspector) created: each creation pushes
/// its undo, and unwinding runs them in reverse order, each one even when an earlier one failed, each
/// exactly once. Unwinding twice, or from two threads at once, is harmless. Undos registered next to each other
/// with the same <c>group</c> do not depend on one another (the bottle's containers: both must go before their
/// network, neither needs the other gone) and run at the same time. An undo may leave a <c>finish</c> that the steps
/// below do not wait for (a container is killed, which frees its network endpoint, then removed beside its network's
/// removal); every finish has ended when the unwind returns, and a step that fails while finishes still run is tried
/// once more after they have ended.
/// </summary>
internal sealed class TeardownStack : IAsyncDisposable
{
    /// <summary>The group of a bottle's containers: removed together, before their network.</summary>
    public const string Containers = "containers";

    private readonly Stack<Step> _steps = new();
    private readonly ILogger _logger;
    private readonly TimeSpan _budget;
    private readonly object _gate = new();
    private readonly SemaphoreSlim _unwinding = new(1, 1);

    /// <summary>Creates an empty stack; each unwind gets <paramref name="budget"/> (default 2 minutes) in total.</summary>
    public TeardownStack(ILogger logger, TimeSpan? budget = null)
    {
        _logger = logger;
        _budget = budget ?? TimeSpan.FromMinutes(2);
    }

    /// <summary>How many undo steps are pending.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _steps.Count;
            }
        }
    }

    /// <summary>Registers the undo of something that now exists; see the class summary for <paramref name="group"/> and <paramref name="finish"/>.</summary>
    public void Push(string description, Func<CancellationToken, Task> undo, string? group = null, Func<CancellationToken, Task>? finish = null)
    {
        lock (_gate)
        {
            _steps.Push(new Step(description, undo, group, finish));
        }

        _logger.LogDebug("registered: {Step}", description);
    }

    /// <summary>
    /// The one way the harness creates things: <paramref name="create"/> runs to completion without the
    /// caller's token (an abandoned create request can still complete on the engine's side and leave a
    /// resource nobody registered), its undo is registered at once, and only then is cancellation
    /// observed, so a cancelled caller's creation is unwound with the rest.
    /// </summary>
    public async Task<T> CreateAsync<T>(string description, Func<Task<T>> create, Func<T, CancellationToken, Task> undo, CancellationToken cancellationToken, string? group = null, Func<T, CancellationToken, Task>? finish = null)
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(undo);
        var created = await create().ConfigureAwait(false);
        Push(description, ct => undo(created, ct), group, finish is null ? null : ct => finish(created, ct));
        cancellationToken.ThrowIfCancellationRequested();
        return created;
    }

    /// <summary>
    /// <see cref="CreateAsync{T}"/> for a container (or what wraps one): its undo kills it, which frees its network
    /// endpoint so the network below can go, and its removal finishes beside that.
    /// </summary>
    public Task<T> CreateContainerAsync<T>(string description, Func<Task<T>> create, Func<T, EngineContainer> container, CancellationToken cancellationToken, string? group = null)
    {
        ArgumentNullException.ThrowIfNull(container);
        return CreateAsync(description, create, (c, ct) => container(c).KillAsync(ct), cancellationToken, group, (c, ct) => container(c).RemoveAsync(ct));
    }

    /// <inheritdoc cref="CreateContainerAsync{T}(string, Func{Task{T}}, Func{T, EngineContainer}, CancellationToken, string?)"/>
    public Task<EngineContainer> CreateContainerAsync(string description, Func<Task<EngineContainer>> create, CancellationToken cancellationToken, string? group = null) =>
        CreateContainerAsync(description, create, c => c, cancellationToken, group);

    /// <summary>
    /// Runs every pending undo in reverse order. Teardown is not cancelled by the caller's token: it has its
    /// own budget, so a cancelled test still leaves nothing behind.
    /// </summary>
    /// <returns>The failures, in the order they happened (empty when all went well).</returns>
    public async Task<IReadOnlyList<Exception>> UnwindAsync()
    {
        var failures = new List<Exception>();

        // One unwinder at a time: a second (a dispose racing a failed launch's cleanup) waits, then finds nothing left.
        await _unwinding.WaitAsync().ConfigureAwait(false);
        try
        {
            using var budget = new CancellationTokenSource(_budget);
            var finishing = new List<Task<Exception?>>();
            while (TryPopBatch(out var batch))
            {
                foreach (var step in batch)
                {
                    _logger.LogDebug("teardown: {Step}", step.Description);
                }

                var outcomes = await Task.WhenAll(batch.Select(step => UndoAsync(step, finishing, budget.Token))).ConfigureAwait(false);
                var failed = batch.Zip(outcomes).Where(o => o.Second is not null).ToList();
                if (failed.Count > 0 && finishing.Count > 0)
                {
                    // What failed may have waited on what is still finishing (a network whose container is still being removed).
                    failures.AddRange(await DrainAsync(finishing).ConfigureAwait(false));
                    outcomes = await Task.WhenAll(failed.Select(o => RunAsync(o.First.Description, o.First.Undo, budget.Token))).ConfigureAwait(false);
                }

                failures.AddRange(outcomes.OfType<Exception>());
            }

            failures.AddRange(await DrainAsync(finishing).ConfigureAwait(false));
        }
        finally
        {
            _unwinding.Release();
        }

        return failures;
    }

    /// <summary>Unwinds; throws an <see cref="AggregateException"/> when any undo failed.</summary>
    public async ValueTask DisposeAsync()
    {
        var failures = await UnwindAsync().ConfigureAwait(false);
        if (failures.Count > 0)
        {
            throw new AggregateException("bottle teardown left work undone", failures);
        }
    }

    /// <summary>Runs a step's undo and starts its finish (after the undo, whatever its outcome); a step with a finish fails only through it.</summary>
    private async Task<Exception?> UndoAsync(Step step, List<Task<Exception?>> finishing, CancellationToken cancellationToken)
    {
        var failure = await RunAsync(step.Description, step.Undo, cancellationToken).ConfigureAwait(false);
        if (step.Finish is null)
        {
            return failure;
        }

        lock (finishing)
        {
            finishing.Add(RunAsync(step.Description, step.Finish, cancellationToken));
        }

        return null;
    }

    private static async Task<IReadOnlyList<Exception>> DrainAsync(List<Task<Exception?>> finishing)
    {
        Task<Exception?>[] running;
        lock (finishing)
        {
            running = [.. finishing];
            finishing.Clear();
        }

        return (await Task.WhenAll(running).ConfigureAwait(false)).OfType<Exception>().ToList();
    }

    private async Task<Exception?> RunAsync(string description, Func<CancellationToken, Task> undo, CancellationToken cancellationToken)
    {
        try
        {
            await undo(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "teardown step failed: {Step}", description);
            return new TeardownException(description, ex);
        }
    }

    private sealed record Step(string Description, Func<CancellationToken, Task> Undo, string? Group, Func<CancellationToken, Task>? Finish);

    /// <summary>The next undo, with the ones below it in the same group.</summary>
    private bool TryPopBatch(out List<Step> batch)
    {
        batch = [];
        lock (_gate)
        {
            if (!_steps.TryPop(out var first))
            {
                return false;
            }

            batch.Add(first);
            while (first.Group is not null && _steps.TryPeek(out var next) && next.Group == first.Group)
            {
                batch.Add(_steps.Pop());
            }

            return true;
        }
    }
}

/// <summary>One teardown step failed.</summary>
internal sealed class TeardownException(string step, Exception inner)
    : Exception($"teardown step '{step}' failed: {inner.Message}", inner)
{
    /// <summary>The step's description.</summary>
    public string Step { get; } = step;
}
