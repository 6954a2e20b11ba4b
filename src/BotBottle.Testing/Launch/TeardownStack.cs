using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Launch;

/// <summary>
/// The undo log of everything a launch (or a probe range, or an inspector) created: each creation pushes
/// its undo, and unwinding runs them in reverse order, each one even when an earlier one failed, each
/// exactly once. Unwinding twice, or from two threads at once, is harmless.
/// </summary>
internal sealed class TeardownStack : IAsyncDisposable
{
    private readonly Stack<(string Description, Func<CancellationToken, Task> Undo)> _steps = new();
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

    /// <summary>Registers the undo of something that now exists.</summary>
    public void Push(string description, Func<CancellationToken, Task> undo)
    {
        lock (_gate)
        {
            _steps.Push((description, undo));
        }

        _logger.LogDebug("registered: {Step}", description);
    }

    /// <summary>
    /// The one way the harness creates things: <paramref name="create"/> runs to completion without the
    /// caller's token (an abandoned create request can still complete on the engine's side and leave a
    /// resource nobody registered), its undo is registered at once, and only then is cancellation
    /// observed, so a cancelled caller's creation is unwound with the rest.
    /// </summary>
    public async Task<T> CreateAsync<T>(string description, Func<Task<T>> create, Func<T, CancellationToken, Task> undo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(undo);
        var created = await create().ConfigureAwait(false);
        Push(description, ct => undo(created, ct));
        cancellationToken.ThrowIfCancellationRequested();
        return created;
    }

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
            while (TryPop(out var step))
            {
                try
                {
                    _logger.LogDebug("teardown: {Step}", step.Description);
                    await step.Undo(budget.Token).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    _logger.LogWarning(ex, "teardown step failed: {Step}", step.Description);
                    failures.Add(new TeardownException(step.Description, ex));
                }
            }
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

    private bool TryPop(out (string Description, Func<CancellationToken, Task> Undo) step)
    {
        lock (_gate)
        {
            return _steps.TryPop(out step);
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
