using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Testing.Tests.Reliability;

/// <summary>
/// The undo log's order: reverse order of creation, one group at a time, and a container's removal finishing beside
/// the removal of its network (after the kill that frees the network), never after the unwind has returned.
/// </summary>
public sealed class TeardownStackTests
{
    [Fact]
    public async Task A_finish_runs_after_its_undo_beside_the_steps_below_and_has_ended_when_the_unwind_returns()
    {
        var order = new ConcurrentQueue<string>();
        var removalMayEnd = new TaskCompletionSource();
        var stack = new TeardownStack(NullLogger.Instance);
        stack.Push("remove network", _ =>
        {
            order.Enqueue("network removed");
            removalMayEnd.SetResult();
            return Task.CompletedTask;
        });
        stack.Push("remove container", _ => Record(order, "container killed"), TeardownStack.Containers, async ct =>
        {
            // The container's removal can only end once the network's removal has run: it runs beside it, not before it.
            await removalMayEnd.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
            order.Enqueue("container removed");
        });

        var failures = await stack.UnwindAsync();

        Assert.Empty(failures);
        Assert.Equal(["container killed", "network removed", "container removed"], order);
        Assert.Equal(0, stack.Count);
    }

    [Fact]
    public async Task A_step_that_fails_while_finishes_run_is_tried_again_once_they_have_ended()
    {
        var removed = 0;
        var networkAttempts = 0;
        var stack = new TeardownStack(NullLogger.Instance);
        stack.Push("remove network", _ =>
        {
            networkAttempts++;

            // What the engine says while a member is still being removed.
            return Volatile.Read(ref removed) == 0 ? throw new InvalidOperationException("network has active endpoints") : Task.CompletedTask;
        });
        stack.Push("remove container", _ => Task.CompletedTask, TeardownStack.Containers, async ct =>
        {
            await Task.Delay(100, ct);
            Interlocked.Exchange(ref removed, 1);
        });

        var failures = await stack.UnwindAsync();

        Assert.Empty(failures);
        Assert.Equal(2, networkAttempts);
    }

    [Fact]
    public async Task A_failing_finish_is_reported_and_a_failing_undo_with_a_finish_is_not_since_the_finish_decides()
    {
        var stack = new TeardownStack(NullLogger.Instance);
        stack.Push("remove agent", _ => throw new InvalidOperationException("kill refused"), TeardownStack.Containers, _ => Task.CompletedTask);
        stack.Push("remove bundle", _ => Task.CompletedTask, TeardownStack.Containers, _ => throw new InvalidOperationException("removal refused"));

        var failures = await stack.UnwindAsync();

        var failure = Assert.IsType<TeardownException>(Assert.Single(failures));
        Assert.Equal("remove bundle", failure.Step);
        Assert.Contains("removal refused", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Steps_unwind_in_reverse_order_of_creation_and_each_runs_once_even_when_unwound_twice()
    {
        var order = new ConcurrentQueue<string>();
        var stack = new TeardownStack(NullLogger.Instance);
        foreach (var name in new[] { "network", "bundle", "agent" })
        {
            await stack.CreateAsync("remove " + name, () => Task.FromResult(name), (n, _) => Record(order, n), CancellationToken.None);
        }

        await Task.WhenAll(stack.UnwindAsync(), stack.UnwindAsync());

        Assert.Equal(["agent", "bundle", "network"], order);
    }

    private static Task Record(ConcurrentQueue<string> order, string what)
    {
        order.Enqueue(what);
        return Task.CompletedTask;
    }
}
