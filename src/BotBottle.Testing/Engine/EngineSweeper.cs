using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Engine;

/// <summary>
/// Finds and removes labelled resources: one session's (the reaper's job when a test host dies), or those
/// whose creating process on this host no longer runs (swept by the next launch, a second line of defence).
/// </summary>
internal static class EngineSweeper
{
    /// <summary>Removes every container and network of <paramref name="sessionId"/>; returns how many.</summary>
    public static Task<int> RemoveSessionAsync(IDockerClient client, string sessionId, ILogger logger, CancellationToken cancellationToken) =>
        RemoveWhereAsync(client, labels => labels.TryGetValue(ResourceLabels.Session, out var s) && s == sessionId, logger, cancellationToken);

    /// <summary>
    /// Removes resources whose creating harness process is provably dead (<see cref="ProcessIdentity.IsProvablyDead"/>):
    /// created in this boot and pid namespace of this host by a process that no longer runs, and not kept for debugging
    /// beyond now (<see cref="ResourceLabels.KeepUntil"/>); returns how many.
    /// </summary>
    public static Task<int> RemoveOrphansAsync(IDockerClient client, ILogger logger, CancellationToken cancellationToken) =>
        RemoveWhereAsync(client, IsOrphan, logger, cancellationToken);

    /// <inheritdoc cref="RemoveOrphansAsync(IDockerClient, ILogger, CancellationToken)"/>
    public static Task<int> RemoveOrphansAsync(DockerEngine engine, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return RemoveOrphansAsync(engine.Client, logger, cancellationToken);
    }

    /// <summary>Removes the resources of <paramref name="sessionId"/> whose creator is provably dead and that are not kept; returns how many.</summary>
    public static Task<int> RemoveOrphansOfSessionAsync(DockerEngine engine, string sessionId, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return RemoveWhereAsync(engine.Client, labels => labels.TryGetValue(ResourceLabels.Session, out var s) && s == sessionId && IsOrphan(labels), logger, cancellationToken);
    }

    /// <summary>Labelled resources as "container NAME" / "network NAME": what a leak check looks at.</summary>
    public static async Task<IReadOnlyList<string>> ListAsync(IDockerClient client, string? sessionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var filter = ResourceLabels.Filter(sessionId);
        var containers = await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter }, cancellationToken).ConfigureAwait(false);
        var networks = await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter }, cancellationToken).ConfigureAwait(false);
        return [.. containers.Select(c => "container " + string.Join(',', c.Names.Select(n => n.TrimStart('/')))), .. networks.Select(n => "network " + n.Name)];
    }

    private static bool IsOrphan(IDictionary<string, string> labels) =>
        ProcessIdentity.FromLabels(labels)?.IsProvablyDead() == true && !ResourceLabels.IsKept(labels, DateTimeOffset.UtcNow);

    private static async Task<int> RemoveWhereAsync(IDockerClient client, Func<IDictionary<string, string>, bool> predicate, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var filter = ResourceLabels.Filter();
        var containers = (await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter }, cancellationToken).ConfigureAwait(false))
            .Where(c => predicate(c.Labels)).ToList();
        foreach (var container in containers)
        {
            logger.LogInformation("sweeping container {Name}", string.Join(',', container.Names));
        }

        // Containers first (all at once), then the networks they were on.
        await Task.WhenAll(containers.Select(c => EngineContainer.RemoveAsync(client, c.ID, cancellationToken))).ConfigureAwait(false);
        var networks = (await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter }, cancellationToken).ConfigureAwait(false))
            .Where(n => predicate(n.Labels)).ToList();
        foreach (var network in networks)
        {
            logger.LogInformation("sweeping network {Name}", network.Name);
            await EngineNetwork.RemoveAsync(client, network.ID, cancellationToken).ConfigureAwait(false);
        }

        return containers.Count + networks.Count;
    }
}
