namespace BotBottle.Testing.Processes;

/// <summary>
/// A value computed once and shared by every caller; a failed or cancelled computation is forgotten,
/// so the next caller tries again. Each caller's own token only stops its own wait.
/// </summary>
internal sealed class AsyncOnce<T>(Func<Task<T>> factory)
{
    private readonly object _gate = new();
    private Task<T>? _task;

    public async Task<T> GetAsync(CancellationToken cancellationToken)
    {
        Task<T> task;
        lock (_gate)
        {
            task = _task ??= factory();
        }

        try
        {
            return await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch when (task.IsFaulted || task.IsCanceled)
        {
            lock (_gate)
            {
                if (ReferenceEquals(_task, task))
                {
                    _task = null;
                }
            }

            throw;
        }
    }
}
