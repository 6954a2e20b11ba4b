namespace BotBottle.Testing.Launch;

/// <summary>
/// Disposes several resources one after another, each even when one before it failed (a range after a bottle whose
/// teardown threw, so what the range holds for others is given back); then throws what failed.
/// </summary>
internal static class DisposeInOrder
{
    public static async Task AllAsync(params IAsyncDisposable?[] resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var failures = new List<Exception>();
        foreach (var resource in resources)
        {
            try
            {
                if (resource is not null)
                {
                    await resource.DisposeAsync().ConfigureAwait(false);
                }
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        }

        if (failures.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failures[0]);
        }

        if (failures.Count > 1)
        {
            throw new AggregateException(failures);
        }
    }
}
