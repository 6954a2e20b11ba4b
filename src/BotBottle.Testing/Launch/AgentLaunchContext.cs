using BotBottle.Testing.Bottles;

namespace BotBottle.Testing.Launch;

/// <summary>
/// What a backend of your own is given to launch one bottle's agent (<see cref="BottleBackend.LaunchAgentAsync"/>): the
/// bottle, its image, the network its bundle is on and where the bundle's proxy listens, the labels every resource of
/// the bottle carries, and where to register the agent's teardown.
/// </summary>
/// <example>
/// <code>
/// // docker run -d --network {context.Network} --dns {context.Bundle.Address} --label k=v… {context.AgentImage} …
/// context.OnTeardown("remove agent", ct =&gt; RemoveContainerAsync(id, ct));
/// </code>
/// </example>
public sealed class AgentLaunchContext
{
    private readonly TeardownStack _teardown;

    internal AgentLaunchContext(string bottleName, string agentImage, BundleEndpoint bundle, IReadOnlyDictionary<string, string> resourceLabels, Uri dockerEndpoint, TeardownStack teardown)
    {
        BottleName = bottleName;
        AgentImage = agentImage;
        Bundle = bundle;
        ResourceLabels = resourceLabels;
        DockerEndpoint = dockerEndpoint;
        _teardown = teardown;
    }

    /// <summary>The bottle's unique name: name what you create after it (<c>{BottleName}-agent</c>).</summary>
    public string BottleName { get; }

    /// <summary>The agent image the bottle runs (it has the agent user <c>node</c>, <c>runuser</c> and <c>perl</c>).</summary>
    public string AgentImage { get; }

    /// <summary>The bundle, ready: its address (the agent's resolver and proxy host), its proxy port and its network.</summary>
    public BundleEndpoint Bundle { get; }

    /// <summary>The docker network the bundle is on (internal: no way out but the bundle), where the agent goes.</summary>
    public string Network => Bundle.NetworkName;

    /// <summary>
    /// The labels every resource of the bottle carries: put them on what you create on the engine, and the harness's
    /// reaper removes it with the rest when the test host dies, and a later launch's sweep removes what a dead host left.
    /// </summary>
    public IReadOnlyDictionary<string, string> ResourceLabels { get; }

    /// <summary>The docker engine the bundle runs on (<c>DOCKER_HOST</c> for a docker CLI of yours).</summary>
    public Uri DockerEndpoint { get; }

    /// <summary>
    /// Registers the undo of something the launch created, as soon as it exists: it runs when the bottle is disposed,
    /// or when the launch fails or is cancelled, in reverse order of registration (before the bundle and network go).
    /// </summary>
    /// <param name="description">What it undoes, for the log ("remove agent").</param>
    /// <param name="undo">The undo; its token ends it when the teardown's budget is spent.</param>
    public void OnTeardown(string description, Func<CancellationToken, Task> undo)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        ArgumentNullException.ThrowIfNull(undo);
        _teardown.Push(description, undo);
    }
}
