using BotBottle.Testing.Docker;
using BotBottle.Testing.Launch;
using BotBottle.Testing.Smolmachines;
using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Sessions;

/// <summary>The backends by name, as test frameworks and build tasks select them.</summary>
public static class BottleBackends
{
    /// <summary>The docker backend's name.</summary>
    public const string Docker = DockerBackend.BackendName;

    /// <summary>The smolmachines backend's name.</summary>
    public const string Smolmachines = SmolmachinesBackend.BackendName;

    /// <summary>Every backend name.</summary>
    public static IReadOnlyList<string> All { get; } = [Docker, Smolmachines];

    /// <summary>Creates the backend called <paramref name="name"/>.</summary>
    public static IBottleBackend Create(string name, ILogger? logger = null) => name switch
    {
        Docker => new DockerBackend(logger: logger),

        // smolvm's networking reaches the bundle through the host, so its network keeps a host address.
        Smolmachines => new SmolmachinesBackend(new DockerBundleHost(isolation: BottleNetworkIsolation.HostReachable, logger: logger), logger: logger),
        _ => throw new ArgumentException($"unknown backend '{name}'; known: {string.Join(", ", All)}", nameof(name)),
    };
}
