using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Launch;

/// <summary>
/// The undo log of a launch: every step that created something pushes its undo, and unwinding
/// runs them in reverse order, each one even when an earlier one failed. Unwinding twice is a no-op.
/// </summary>
public sealed class TeardownStack : IAsyncDisposable
{
    private readonly Stack<(string Description, Func<CancellationToken, Task> Undo)> _steps = new();
    private readonly ILogger _logger;
    private readonly TimeSpan _budget;
    private readonly object _gate = new();

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

    /// <summary>Registers the undo of a step that just succeeded.</summary>
    public void Push(string description, Func<CancellationToken, Task> undo)
    {
        lock (_gate)
        {
            _steps.Push((description, undo));
        }
    }

    /// <summary>Registers an async-disposable resource.</summary>
    public void Push(string description, IAsyncDisposable resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        Push(description, _ => resource.DisposeAsync().AsTask());
    }

    /// <summary>
    /// Runs every pending undo in reverse order. Teardown is not cancelled by the caller's test token:
    /// it has its own budget so that a cancelled test still leaves nothing behind.
    /// </summary>
    /// <returns>The failures, in the order they happened (empty when all went well).</returns>
    public async Task<IReadOnlyList<Exception>> UnwindAsync()
    {
        var failures = new List<Exception>();
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
public sealed class TeardownException(string step, Exception inner)
    : Exception($"teardown step '{step}' failed: {inner.Message}", inner)
{
    /// <summary>The step's description.</summary>
    public string Step { get; } = step;
}
