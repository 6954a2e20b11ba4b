using DotNet.Testcontainers.Containers;

namespace BotBottle.Testing.Engine;

/// <summary>
/// A container the user started with Testcontainers (an upstream service): the harness reads its state and id and
/// connects it to networks, but never creates, starts or removes it.
/// </summary>
internal sealed class ForeignContainer
{
    private readonly IContainer _container;

    private ForeignContainer(IContainer container) => _container = container;

    /// <summary>Whether it is running (a container never started has no id to connect).</summary>
    public bool IsRunning => _container.State == TestcontainersStates.Running;

    /// <summary>Its state as Testcontainers names it (for messages).</summary>
    public string State => _container.State.ToString();

    /// <summary>Its id; throws <see cref="InvalidOperationException"/> when it has none (never started).</summary>
    public string Id => _container.Id;

    /// <summary>Wraps the user's Testcontainers container.</summary>
    public static ForeignContainer Of(IContainer container)
    {
        ArgumentNullException.ThrowIfNull(container);
        return new ForeignContainer(container);
    }
}
