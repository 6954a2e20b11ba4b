using System.Globalization;
using Docker.DotNet.Models;

namespace BotBottle.Testing.Engine;

/// <summary>
/// What the engine reports of one container (its inspect), in the harness's own terms: the few fields the harness
/// reads, so nothing outside the engine layer names a Docker.DotNet model.
/// </summary>
internal sealed record ContainerDetails(string Id, string Name, string ImageId)
{
    /// <summary>Whether it is running.</summary>
    public bool Running { get; init; }

    /// <summary>Its exit code once it has stopped.</summary>
    public long? ExitCode { get; init; }

    /// <summary>Its main process's pid in the engine host's pid namespace (0 when it is not running).</summary>
    public long Pid { get; init; }

    /// <summary>Its environment (<c>NAME=value</c>): the image's ENV and what was set at create.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];

    /// <summary>Its addresses, by network name.</summary>
    public IReadOnlyDictionary<string, ContainerAddress> Networks { get; init; } = new Dictionary<string, ContainerAddress>();

    /// <summary>The host ports its TCP ports are published on, by container port.</summary>
    public IReadOnlyDictionary<int, int> PublishedPorts { get; init; } = new Dictionary<int, int>();

    /// <summary>Its mounts, as "source → destination".</summary>
    public IReadOnlyList<string> Mounts { get; init; } = [];

    /// <summary>Its security settings and limits, as the engine reports them.</summary>
    public ContainerSecurity Security { get; init; } = new();

    /// <summary>The address on <paramref name="network"/>, or null when it has none there.</summary>
    public ContainerAddress? AddressOn(string network) =>
        Networks.TryGetValue(network, out var address) && address.IPAddress.Length > 0 ? address : null;

    /// <summary>The host port (127.0.0.1) <paramref name="containerPort"/> is published on, or null.</summary>
    public int? PublishedPort(int containerPort) => PublishedPorts.TryGetValue(containerPort, out var port) ? port : null;

    /// <summary>The details of an engine inspect.</summary>
    internal static ContainerDetails From(ContainerInspectResponse inspect)
    {
        ArgumentNullException.ThrowIfNull(inspect);
        var host = inspect.HostConfig;
        return new ContainerDetails(inspect.ID, (inspect.Name ?? "").TrimStart('/'), inspect.Image ?? "")
        {
            Running = inspect.State?.Running == true,
            ExitCode = inspect.State?.ExitCode,
            Pid = inspect.State?.Pid ?? 0,
            Env = [.. inspect.Config?.Env ?? []],
            Networks = (inspect.NetworkSettings?.Networks ?? new Dictionary<string, EndpointSettings>())
                .ToDictionary(n => n.Key, n => new ContainerAddress(n.Value.IPAddress ?? "", n.Value.GlobalIPv6Address ?? "", n.Value.MacAddress ?? ""), StringComparer.Ordinal),
            PublishedPorts = (inspect.NetworkSettings?.Ports ?? new Dictionary<string, IList<PortBinding>>())
                .Where(p => p.Key.EndsWith("/tcp", StringComparison.Ordinal) && p.Value?.FirstOrDefault() is { } binding
                    && int.TryParse(binding.HostPort, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                .ToDictionary(
                    p => int.Parse(p.Key[..^"/tcp".Length], NumberStyles.None, CultureInfo.InvariantCulture),
                    p => int.Parse(p.Value.First().HostPort, NumberStyles.None, CultureInfo.InvariantCulture)),
            Mounts = [.. (inspect.Mounts ?? []).Select(m => $"{m.Source} → {m.Destination}")],
            Security = new ContainerSecurity
            {
                Privileged = host?.Privileged == true,
                CapAdd = [.. host?.CapAdd ?? []],
                CapDrop = [.. host?.CapDrop ?? []],
                SecurityOpt = [.. host?.SecurityOpt ?? []],
                PidsLimit = host?.PidsLimit,
                MemoryBytes = host?.Memory,
                NanoCpus = host?.NanoCPUs,
            },
        };
    }
}

/// <summary>A container's endpoint on one network (the names are the engine's).</summary>
internal sealed record ContainerAddress(string IPAddress, string GlobalIPv6Address, string MacAddress);

/// <summary>A container's security settings and limits as the engine reports them.</summary>
internal sealed record ContainerSecurity
{
    public bool Privileged { get; init; }

    public IReadOnlyList<string> CapAdd { get; init; } = [];

    public IReadOnlyList<string> CapDrop { get; init; } = [];

    public IReadOnlyList<string> SecurityOpt { get; init; } = [];

    public long? PidsLimit { get; init; }

    public long? MemoryBytes { get; init; }

    public long? NanoCpus { get; init; }
}
