namespace BotBottle.Testing.Probes;

/// <summary>What a step does inside the bottle (a dial, a lookup, a proxy request, a read). Build the network ones with <see cref="Probe"/>.</summary>
public abstract record StepAction
{
    private protected StepAction()
    {
    }

    /// <summary>The battery's name for the kind of action (tcp, http, connect, dns, …).</summary>
    public abstract string Kind { get; }

    /// <summary>The arguments passed to the in-guest implementation, one argv element each.</summary>
    public abstract IReadOnlyList<string> Arguments { get; }

    /// <summary>A short human description ("tcp 10.0.0.2:9099").</summary>
    public abstract string Describe();

    /// <summary>Whether this action talks to the network (and so honours <see cref="NetworkTool"/>).</summary>
    public virtual bool IsNetwork => true;

    private protected static string Number(int port) => Processes.Argv.Number(port);

    private protected static string HostPort(string host, int port) => (host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host) + ":" + Number(port);
}

/// <summary>A TCP dial to <paramref name="Host"/>:<paramref name="Port"/>.</summary>
internal sealed record TcpDial(string Host, int Port) : StepAction
{
    /// <inheritdoc />
    public override string Kind => "tcp";

    /// <inheritdoc />
    public override IReadOnlyList<string> Arguments => [Host, Number(Port)];

    /// <inheritdoc />
    public override string Describe() => "tcp " + HostPort(Host, Port);
}

/// <summary>A plain-HTTP GET of <c>http://Host[:Port]/</c> through the proxy at ProxyHost:ProxyPort.</summary>
internal sealed record HttpViaProxy(string ProxyHost, int ProxyPort, string Host, int? Port = null) : StepAction
{
    /// <inheritdoc />
    public override string Kind => "http";

    /// <summary>The absolute URL requested through the proxy.</summary>
    public string Url => Port is { } port ? $"http://{HostPort(Host, port)}/" : $"http://{Host}/";

    /// <inheritdoc />
    public override IReadOnlyList<string> Arguments => [ProxyHost, Number(ProxyPort), Url, Port is { } p ? HostPort(Host, p) : Host];

    /// <inheritdoc />
    public override string Describe() => $"GET {Url} via proxy {HostPort(ProxyHost, ProxyPort)}";
}

/// <summary>An HTTP CONNECT to Host:Port through the proxy at ProxyHost:ProxyPort.</summary>
internal sealed record ConnectViaProxy(string ProxyHost, int ProxyPort, string Host, int Port) : StepAction
{
    /// <inheritdoc />
    public override string Kind => "connect";

    /// <inheritdoc />
    public override IReadOnlyList<string> Arguments => [ProxyHost, Number(ProxyPort), Host, Number(Port)];

    /// <inheritdoc />
    public override string Describe() => $"CONNECT {HostPort(Host, Port)} via proxy {HostPort(ProxyHost, ProxyPort)}";
}

/// <summary>A name lookup through the guest's resolver (getent, else nslookup).</summary>
internal sealed record NameLookup(string Name) : StepAction
{
    /// <inheritdoc />
    public override string Kind => "dns";

    /// <inheritdoc />
    public override IReadOnlyList<string> Arguments => [Name];

    /// <inheritdoc />
    public override string Describe() => "resolve " + Name;
}

/// <summary>Tries to become root (already root, <c>sudo -n</c>, <c>su</c>) and lists setuid files; <see cref="Control"/> runs the same reporting path with an action that needs no privilege.</summary>
internal sealed record EscalationAttempt(bool Control = false) : StepAction
{
    /// <inheritdoc />
    public override string Kind => Control ? "escalation-control" : "escalation";

    /// <inheritdoc />
    public override IReadOnlyList<string> Arguments => [];

    /// <inheritdoc />
    public override bool IsNetwork => false;

    /// <inheritdoc />
    public override string Describe() => Control ? "run an unprivileged command through the escalation reporter" : "become root (sudo -n, su, uid)";
}

/// <summary>Looks for container-engine sockets (and a remote DOCKER_HOST) at the given paths.</summary>
internal sealed record SocketScan(IReadOnlyList<string> Paths) : StepAction
{
    /// <summary>Where engine sockets are found when someone mounts one into a sandbox.</summary>
    public static IReadOnlyList<string> EngineSockets { get; } =
    [
        "/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock", "/run/podman/podman.sock",
        "/var/run/crio/crio.sock", "/run/buildkit/buildkitd.sock", "/home/node/.docker/run/docker.sock", "/run/user/1000/docker.sock",
        "/run/user/1000/podman/podman.sock",
    ];

    /// <inheritdoc />
    public override string Kind => "sockets";

    /// <inheritdoc />
    public override IReadOnlyList<string> Arguments => Paths;

    /// <inheritdoc />
    public override bool IsNetwork => false;

    /// <inheritdoc />
    public override string Describe() => "look for " + string.Join(", ", Paths);
}

/// <summary>
/// Scans the exec's environment for credential-looking entries (by name or by token prefix) whose
/// value is not one of <paramref name="Placeholders"/>; reports names only, never values.
/// <paramref name="Control"/> adds a synthetic credential-looking entry the scan must find.
/// </summary>
internal sealed record SecretScan(IReadOnlyList<string> Placeholders, bool Control = false) : StepAction
{
    /// <inheritdoc />
    public override string Kind => Control ? "secrets-control" : "secrets";

    /// <inheritdoc />
    public override IReadOnlyList<string> Arguments => Placeholders;

    /// <inheritdoc />
    public override bool IsNetwork => false;

    /// <inheritdoc />
    public override string Describe() => Control ? "scan the env plus a synthetic token for credentials" : "scan the env for credentials that are not placeholders";
}

/// <summary>
/// Waits (up to the step's limit) for a line containing <paramref name="Marker"/> in the file at
/// <paramref name="Path"/>: evidence left by a daemon the harness controls, e.g. the bundle resolver's query log.
/// </summary>
internal sealed record LogWatch(string Path, string Marker) : StepAction
{
    /// <inheritdoc />
    public override string Kind => "log";

    /// <inheritdoc />
    public override IReadOnlyList<string> Arguments => [Path, Marker];

    /// <inheritdoc />
    public override bool IsNetwork => false;

    /// <inheritdoc />
    public override string Describe() => $"wait for '{Marker}' in {Path}";
}

/// <summary>Lists the network interfaces other than loopback (from /proc/net/dev).</summary>
internal sealed record InterfaceScan : StepAction
{
    /// <inheritdoc />
    public override string Kind => "interfaces";

    /// <inheritdoc />
    public override IReadOnlyList<string> Arguments => [];

    /// <inheritdoc />
    public override bool IsNetwork => false;

    /// <inheritdoc />
    public override string Describe() => "list network interfaces other than loopback";
}

/// <summary>
/// Reads the bottle's wire witness once the rest of the battery has run: every frame the agent's side sent from launch
/// on, classified outside the agent. <paramref name="ProbeTargets"/> are the destinations the battery's own probes
/// tried on purpose (each tested by its probe). <see cref="Control"/> asks instead whether the capture holds the battery's
/// own connection to the bundle's proxy port, so a dead capture cannot pass.
/// </summary>
internal sealed record WitnessReview(IReadOnlyList<Witness.WireWitness.Destination> ProbeTargets, bool Control = false) : StepAction
{
    /// <inheritdoc />
    public override string Kind => Control ? "witness-control" : "witness";

    /// <inheritdoc />
    public override IReadOnlyList<string> Arguments => [];

    /// <inheritdoc />
    public override bool IsNetwork => false;

    /// <inheritdoc />
    public override string Describe() => Control ? "find the battery's own proxy connection in the wire witness" : "every frame of the agent's side, from launch on, in the wire witness";
}

/// <summary>
/// IPv6 from user space over packet sockets, as a root process with CAP_NET_RAW would send it where the kernel's IPv6 is
/// off: finds the engine host (its MAC <paramref name="HostMac"/>) on any link of the vantage, answers its neighbour
/// solicitations, and dials TCP <paramref name="Port"/> at the host's link-local address. Connected: the port answered;
/// Refused: the host answered IPv6 on the link; TimedOut: no IPv6 frame from the host at all.
/// </summary>
internal sealed record RawIpv6Dial(string HostMac, int Port) : StepAction
{
    /// <inheritdoc />
    public override string Kind => "raw6";

    /// <inheritdoc />
    public override IReadOnlyList<string> Arguments => [HostMac, Number(Port)];

    /// <inheritdoc />
    public override string Describe() => $"raw IPv6 (packet socket) to the engine host {HostMac}, TCP port {Number(Port)} at its link-local address";
}

/// <summary>
/// A TCP dial of <paramref name="Port"/> at every gateway of the vantage's IPv4 route table (read in its network
/// namespace) and at each of <paramref name="Addresses"/> (every address the engine host holds). The most reachable
/// answer wins: Connected, else Refused, else TimedOut, else Unreachable.
/// </summary>
internal sealed record HostAddressSweep(int Port, IReadOnlyList<string> Addresses) : StepAction
{
    /// <inheritdoc />
    public override string Kind => "hosts";

    /// <inheritdoc />
    public override IReadOnlyList<string> Arguments => [Number(Port), .. Addresses];

    /// <inheritdoc />
    public override string Describe() => $"tcp port {Number(Port)} at every route gateway and every engine host address ({string.Join(", ", Addresses)})";
}

/// <summary>
/// The agent container's hardening as the engine holds it: every capability dropped, none added back beyond what the
/// harness's own root execs need, no new privileges, not privileged, and pids, memory and CPU limits. <see cref="Control"/>
/// reviews the same record with one capability more (NET_RAW), which the review must name.
/// </summary>
internal sealed record HardeningReview(bool Control = false) : StepAction
{
    /// <inheritdoc />
    public override string Kind => Control ? "hardening-control" : "hardening";

    /// <inheritdoc />
    public override IReadOnlyList<string> Arguments => [];

    /// <inheritdoc />
    public override bool IsNetwork => false;

    /// <inheritdoc />
    public override string Describe() => Control ? "review the engine's record of the agent container with NET_RAW added" : "review the engine's record of the agent container (capabilities, no-new-privileges, limits)";
}
