using Docker.DotNet.Models;

namespace BotBottle.Testing.Engine;

/// <summary>
/// A container the harness wants: every one is labelled for its bottle and role, runs docker's init as
/// PID 1 (so it stops at once), and is forbidden to gain privileges unless a caller says otherwise.
/// </summary>
internal sealed record ContainerRequest(string Name, string Image, string Bottle, string Role)
{
    public IReadOnlyList<string>? Entrypoint { get; init; }

    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>The user PID 1 runs as (<c>"0"</c> for root); null keeps the image's.</summary>
    public string? User { get; init; }

    public string? Hostname { get; init; }

    public IReadOnlyList<string> Env { get; init; } = [];

    /// <summary>The network the container is created on (null: docker's default bridge; "none" for no network).</summary>
    public string? Network { get; init; }

    /// <summary>The pid namespace to share (<c>container:ID</c>); null gives the container its own.</summary>
    public string? PidMode { get; init; }

    /// <summary>Names other members of <see cref="Network"/> resolve the container by.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The container's fixed IPv4 address on <see cref="Network"/> (null: the engine allocates one).</summary>
    public string? Ipv4Address { get; init; }

    /// <summary>Resolver options (<c>timeout:1</c>, ...).</summary>
    public IReadOnlyList<string> DnsOptions { get; init; } = [];

    /// <summary>Resolver addresses the container's resolv.conf names, instead of the engine's embedded DNS.</summary>
    public IReadOnlyList<string> DnsServers { get; init; } = [];

    /// <summary>Container ports published on the host's 127.0.0.1 at a port the engine chooses.</summary>
    public IReadOnlyList<int> PublishOnLoopback { get; init; } = [];

    /// <summary>Names the container's own resolver answers from its hosts file (<c>name:address</c>).</summary>
    public IReadOnlyList<string> ExtraHosts { get; init; } = [];

    /// <summary>Host paths bound into the container (<c>host:container[:ro]</c>).</summary>
    public IReadOnlyList<string> Binds { get; init; } = [];

    public bool Privileged { get; init; }

    public bool NoNewPrivileges { get; init; } = true;

    /// <summary>
    /// No path of /proc or /sys masked or read-only (docker's <c>--security-opt systempaths=unconfined</c>): for a
    /// harness container in the engine host's namespace that writes one of its network sysctls (which needs NET_ADMIN too).
    /// </summary>
    public bool UnmaskSystemPaths { get; init; }

    /// <summary>Capabilities dropped from the engine's default set (<c>ALL</c> for every one).</summary>
    public IReadOnlyList<string> CapDrop { get; init; } = [];

    /// <summary>Capabilities added back after <see cref="CapDrop"/>.</summary>
    public IReadOnlyList<string> CapAdd { get; init; } = [];

    /// <summary>The most processes and threads (null: the engine's default, none).</summary>
    public long? PidsLimit { get; init; }

    /// <summary>The memory limit in bytes, swap included (null: none).</summary>
    public long? MemoryBytes { get; init; }

    /// <summary>The CPU limit in billionths of a CPU (null: none).</summary>
    public long? NanoCpus { get; init; }

    /// <summary>Extra labels beside the harness's own.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The engine's create parameters for this request.</summary>
    public CreateContainerParameters ToParameters()
    {
        var labels = ResourceLabels.For(Bottle, Role, Labels);

        var host = new HostConfig
        {
            Init = true,
            Privileged = Privileged,
            SecurityOpt = NoNewPrivileges ? ["no-new-privileges"] : [],
            NetworkMode = Network!,
            PidMode = PidMode!,
            DNSOptions = DnsOptions.Count > 0 ? DnsOptions.ToList() : null!,
            DNS = DnsServers.Count > 0 ? DnsServers.ToList() : null!,
            Binds = Binds.Count > 0 ? Binds.ToList() : null!,
            ExtraHosts = ExtraHosts.Count > 0 ? ExtraHosts.ToList() : null!,
            CapDrop = CapDrop.Count > 0 ? CapDrop.ToList() : null!,
            CapAdd = CapAdd.Count > 0 ? CapAdd.ToList() : null!,
            MaskedPaths = UnmaskSystemPaths ? [] : null!,
            ReadonlyPaths = UnmaskSystemPaths ? [] : null!,
        };
        if (PidsLimit is { } pids)
        {
            host.PidsLimit = pids;
        }

        if (MemoryBytes is { } memory)
        {
            host.Memory = memory;
            host.MemorySwap = memory;
        }

        if (NanoCpus is { } cpus)
        {
            host.NanoCPUs = cpus;
        }
        var exposed = new Dictionary<string, EmptyStruct>();
        if (PublishOnLoopback.Count > 0)
        {
            host.PortBindings = new Dictionary<string, IList<PortBinding>>();
            foreach (var port in PublishOnLoopback)
            {
                var key = port.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/tcp";
                exposed[key] = default;
                host.PortBindings[key] = [new PortBinding { HostIP = "127.0.0.1", HostPort = "" }];
            }
        }

        return new CreateContainerParameters
        {
            Name = Name,
            Image = Image,
            Hostname = Hostname!,
            User = User!,
            Entrypoint = Entrypoint?.ToList()!,
            Cmd = Entrypoint is null && Command.Count == 0 ? null! : Command.ToList(),
            Env = Env.ToList(),

            // No image's HEALTHCHECK runs: the engine would run it as an exec of the container's user (root here), a
            // process of the image's that no one asked for and that would pass for one of the harness's commands.
            Healthcheck = new HealthcheckConfig { Test = ["NONE"] },
            Labels = labels,
            ExposedPorts = exposed.Count > 0 ? exposed : null!,
            HostConfig = host,
            NetworkingConfig = Network is null or "none" or "host" || Network.StartsWith("container:", StringComparison.Ordinal) ? null! : new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings>
                {
                    [Network] = new()
                    {
                        Aliases = Aliases.Count > 0 ? Aliases.ToList() : null!,
                        IPAMConfig = Ipv4Address is null ? null! : new EndpointIPAMConfig { IPv4Address = Ipv4Address },
                    },
                },
            },
        };
    }
}
