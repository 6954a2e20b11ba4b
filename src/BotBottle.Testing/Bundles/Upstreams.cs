using BotBottle.Testing.Bottles;
using BotBottle.Testing.Engine;
using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Bundles;

/// <summary>
/// Puts users' service containers behind a bottle's bundle: one internal network per bottle that only the
/// bundle and those containers join (each under its host name), the names on the proxy's allowlist and their
/// ports among its CONNECT ports. The agent is never on that network, so the proxy is its only way there.
/// </summary>
internal static class Upstreams
{
    /// <summary>The bundle env that lists the proxy's CONNECT ports (the reference bundle's default is 443).</summary>
    public const string ConnectPortsVariable = "BUNDLE_CONNECT_PORTS";

    /// <summary>Creates the upstream network and connects every service (never abandoned half-way, like every create); returns the network.</summary>
    public static async Task<EngineNetwork> ConnectAsync(DockerEngine engine, string bottleName, IReadOnlyList<UpstreamService> services, IReadOnlyDictionary<string, string> labels, ILogger logger)
    {
        // A container that was never started has no id to connect: say so before anything is created.
        if (services.FirstOrDefault(s => !s.Container.IsRunning) is { } idle)
        {
            throw new InvalidOperationException($"the upstream service '{idle.Hostname}' has not been started (its container is {idle.Container.State}): start it before the bottle");
        }

        var network = await EngineNetwork.CreateAsync(engine, new NetworkRequest(bottleName + "-upstream", bottleName, "upstream-network") { Internal = true, Labels = labels }, logger).ConfigureAwait(false);
        try
        {
            foreach (var service in services)
            {
                await network.ConnectAsync(service.Container.Id, [service.Hostname], CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch
        {
            await DisconnectAsync(network, services, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        return network;
    }

    /// <summary>Disconnects the services (they are the user's, and outlive the bottle) and removes the network.</summary>
    public static async Task DisconnectAsync(EngineNetwork network, IReadOnlyList<UpstreamService> services, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var service in services)
            {
                try
                {
                    await network.DisconnectAsync(service.Container.Id, cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidOperationException)
                {
                    // Already disconnected, the user's container is gone, or it never had an id.
                }
            }
        }
        finally
        {
            await network.RemoveAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The bundle spec with the upstream network joined, the names allow-listed and their ports CONNECT-able.</summary>
    public static BundleSpec Wire(BundleSpec bundle, string network, IReadOnlyList<UpstreamService> services)
    {
        var env = new Dictionary<string, string>(bundle.Env, StringComparer.Ordinal);
        var ports = (env.TryGetValue(ConnectPortsVariable, out var existing) ? existing : "443").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Concat(services.Select(s => s.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Distinct(StringComparer.Ordinal);
        env[ConnectPortsVariable] = string.Join(',', ports);
        return bundle with
        {
            UpstreamNetworks = [.. bundle.UpstreamNetworks, network],
            AllowedHosts = [.. bundle.AllowedHosts, .. services.Select(s => s.Hostname)],
            Env = env,
        };
    }
}
