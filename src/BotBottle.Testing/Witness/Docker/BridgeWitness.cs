using System.Net;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Bundles;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Launch;

namespace BotBottle.Testing.Witness.Docker;

/// <summary>
/// The docker backend's wire witness: tcpdump of the harness's prober image, in a container of its own on the engine
/// host's network namespace, capturing every frame on the bottle network's bridge into a pcap in its own filesystem.
/// It holds only the capabilities a capture needs (NET_RAW, and SETUID/SETGID for tcpdump to drop to its own user once
/// the capture is open), under no-new-privileges, labelled and removed like every container of the bottle. Immediate
/// mode and packet-buffered output put each frame in the file as it passes (TPACKET_V3's block timeout alone held
/// frames for up to a second). Promiscuous capture needs no NET_ADMIN (measured on Engine 20.10). Nothing of
/// it is reachable from the agent: not its processes, its file or its uid; the agent can only send it frames.
/// </summary>
internal sealed class BridgeWitness : WireWitness
{
    public const string Role = "witness";

    /// <summary>Where the capture is written, in the witness's own filesystem.</summary>
    public const string CaptureFile = "/tmp/wire.pcap";

    /// <summary>Bytes kept of each frame: every header the classification reads (Ethernet, IPv6 with extension headers, TCP with options).</summary>
    public const int SnapLength = 256;

    private const string NoBridge = "bbt-witness: no bridge ";

    /// <summary>
    /// The witness's PID 1 script (under docker's init): fails with a clear line when the bridge is not on this host;
    /// else, as root, closes IPv6 on the bridge (<c>disable_ipv6</c>: the engine host then neither answers nor forwards
    /// an IPv6 frame from the bottle network, whatever the engine's own rules; Engine 20.10 installs no ip6tables rules)
    /// (unless <c>$2</c> says to open it, as a host whose engine leaves it on would: Engine 20.10 does, Engine 28 does
    /// not), and reads the setting back; says the bridge's MAC and the IPv6 state; and
    /// becomes tcpdump (which drops to its own user once the capture is open, so none of these privileges outlives the
    /// start), its messages on the container's output and the pcap in the file.
    /// </summary>
    private static readonly string Script =
        "b=\"$1\"; if [ ! -e \"/sys/class/net/$b\" ]; then echo \"" + NoBridge + "$b on the engine host: the bottle network's bridge was not found\"; exit 3; fi; " +
        "f=\"/proc/sys/net/ipv6/conf/$b/disable_ipv6\"; " +
        "if [ ! -e \"$f\" ]; then v6=closed; why='the engine host has no IPv6'; " +
        "elif [ \"$2\" = open ]; then { echo 0 >\"$f\"; } 2>/dev/null; v6=open; why=\"$f = $(cat \"$f\"): opened on purpose (a test of a weakened bottle)\"; " +
        "else was=$(cat \"$f\"); if { echo 1 >\"$f\"; } 2>/dev/null && [ \"$(cat \"$f\")\" = 1 ]; then v6=closed; why=\"$f = 1, was $was\"; " +
        "else v6=open; why=\"$f could not be set: $(cat \"$f\" 2>&1)\"; fi; fi; " +
        "echo \"bbt-witness {\\\"version\\\":1,\\\"bridge\\\":\\\"$b\\\",\\\"mac\\\":\\\"$(cat \"/sys/class/net/$b/address\")\\\",\\\"ipv6\\\":\\\"$v6\\\",\\\"ipv6Reason\\\":\\\"$why\\\"}\"; " +
        $"exec tcpdump -i \"$b\" -n -U --immediate-mode -B 4096 -s {SnapLength} -w - 2>&1 >{CaptureFile}";

    private static readonly AsyncLocal<bool> Ipv6LeftOpen = new();

    /// <summary>
    /// The test seam of a weakened bottle: bottles launched in this async flow get IPv6 turned on at their bridge (as on
    /// a host where it cannot be closed and the engine leaves it on), until the scope is disposed.
    /// </summary>
    internal static IDisposable OpenIpv6ForTest()
    {
        Ipv6LeftOpen.Value = true;
        return new OpenScope();
    }

    private sealed class OpenScope : IDisposable
    {
        public void Dispose() => Ipv6LeftOpen.Value = false;
    }

    private readonly EngineContainer _container;
    private readonly string _bridge;
    private readonly string _bridgeMac;
    private readonly string _network;
    private readonly string _agentName;
    private readonly Task<RunningBundle> _bundle;

    private BridgeWitness(EngineContainer container, string bridge, string bridgeMac, string network, string agentName, Task<RunningBundle> bundle, Ipv6State ipv6)
    {
        _container = container;
        _bridge = bridge;
        _bridgeMac = bridgeMac;
        Ipv6 = ipv6;
        _network = network;
        _agentName = agentName;
        _bundle = bundle;
    }

    /// <inheritdoc />
    internal override string? HostLinkMac => _bridgeMac;

    /// <inheritdoc />
    internal override string NetworkSecurity => $"bridge {_bridge}: IPv6 {(Ipv6.Closed ? "closed" : "OPEN")} ({Ipv6.Reason})";

    /// <inheritdoc />
    internal override string? NetworkWarning => Ipv6.Closed ? null
        : $"the engine host's IPv6 stays open on the bottle network's bridge {_bridge} ({Ipv6.Reason}); raw-ipv6-to-host-refused shows whether the host answers";

    /// <summary>Whether the engine host's IPv6 is closed on the bridge, and how that is known.</summary>
    internal Ipv6State Ipv6 { get; }

    /// <summary>The witness container's id (for tests that check it is gone).</summary>
    public string ContainerId => _container.Id;

    /// <summary>
    /// Starts the witness on <paramref name="network"/>'s bridge and returns once tcpdump captures; <paramref name="bundle"/>
    /// (the bundle once created) is awaited only when a report is read.
    /// </summary>
    public static async Task<BridgeWitness> StartAsync(DockerEngine engine, string bottleName, BottleSpec spec, BottleNetwork network, Task<RunningBundle> bundle, TeardownStack teardown, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(teardown);
        await Images.EngineImages.RequireAsync(engine, [ReferenceImageNames.Prober], cancellationToken).ConfigureAwait(false);
        var bridge = (await EngineNetwork.InspectAsync(engine, network.Name, cancellationToken).ConfigureAwait(false)).BridgeName;
        var container = await teardown.CreateContainerAsync(
            "remove witness", () => EngineContainer.CreateAsync(engine, Request(bottleName, spec, bridge)), cancellationToken, TeardownStack.Containers).ConfigureAwait(false);
        await container.StartAsync(cancellationToken).ConfigureAwait(false);
        await container.WaitUntilAsync(
            $"[ -s {CaptureFile} ]", line => line.StartsWith("tcpdump: listening on " + bridge, StringComparison.Ordinal), timeout, "wire witness", "capture on " + bridge, cancellationToken).ConfigureAwait(false);
        var said = await container.LogsAsync(cancellationToken).ConfigureAwait(false);
        var report = said.Split('\n').Select(l => Guest.GuestReport.Read<Said>(l.Trim(), "bbt-witness ")).FirstOrDefault(r => r is { Version: 1, Mac: not null, Ipv6: "closed" or "open" })
            ?? throw new InvalidOperationException($"the wire witness did not say the bridge's MAC and IPv6 state: {said}");
        return new BridgeWitness(container, bridge, report.Mac!, network.Name, bottleName + "-agent", bundle, new Ipv6State(report.Ipv6 == "closed", report.Ipv6Reason ?? ""));
    }

    /// <summary>The witness container: host network namespace, the capture's capabilities only, no new privileges, the bottle's labels.</summary>
    public static ContainerRequest Request(string bottleName, BottleSpec spec, string bridge)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new ContainerRequest(bottleName + "-" + Role, ReferenceImageNames.Prober, bottleName, Role)
        {
            User = "0",
            Entrypoint = ["/bin/sh", "-c", Script, "witness", bridge, Ipv6LeftOpen.Value ? "open" : "close"],
            Network = "host",
            CapDrop = ["ALL"],

            // NET_ADMIN and the unmasked /proc/sys: the bridge's IPv6 setting, written once by the script before tcpdump starts.
            CapAdd = ["NET_ADMIN", "NET_RAW", "SETGID", "SETUID"],
            UnmaskSystemPaths = true,
            NoNewPrivileges = true,
            PidsLimit = 32,
            MemoryBytes = 256L * 1024 * 1024,
            Labels = spec.ResourceLabels,
        };
    }

    internal override async Task<WitnessRead> ReadFlowsAsync(CancellationToken cancellationToken) =>
        FlowClassifier.Classify(await CaptureAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>The capture so far and what the classification needs to know about the network.</summary>
    private async Task<WitnessCapture> CaptureAsync(CancellationToken cancellationToken)
    {
        var pcap = await _container.ReadFileAsync(CaptureFile, cancellationToken).ConfigureAwait(false);
        var state = await _container.InspectAsync(cancellationToken).ConfigureAwait(false);
        var problem = state.Running ? null : $"the capture stopped (exit {state.ExitCode}): {await _container.LogsAsync(cancellationToken, 5).ConfigureAwait(false)}";
        return new WitnessCapture(_bridge, pcap, await ContextAsync(cancellationToken).ConfigureAwait(false), problem);
    }

    /// <summary>Who is who on the bridge, from the engine's record of the network's endpoints.</summary>
    private async Task<WireContext> ContextAsync(CancellationToken cancellationToken)
    {
        var bundle = await _bundle.WaitAsync(cancellationToken).ConfigureAwait(false);
        var network = await EngineNetwork.InspectAsync(_container.Engine, _network, cancellationToken).ConfigureAwait(false);
        var endpoints = network.Members;
        var bundleEndpoint = endpoints.TryGetValue(bundle.Container.Id, out var b) ? b : throw new InvalidOperationException($"the bundle is not on {_network}");
        var agent = endpoints.Values.FirstOrDefault(e => e.Name == _agentName);
        return new WireContext(bundleEndpoint.MacAddress, Address(bundleEndpoint.IPv4Address)!, bundle.Endpoint.ProxyPort, _bridgeMac, Address(agent?.IPv4Address));
    }

    private static IPAddress? Address(string? cidr) =>
        IPAddress.TryParse((cidr ?? "").Split('/')[0], out var address) ? address : null;

    private sealed record Said(int Version, string? Bridge, string? Mac, string? Ipv6, string? Ipv6Reason);

    /// <summary>The engine host's IPv6 on the bottle network's bridge: closed or not, and why.</summary>
    internal sealed record Ipv6State(bool Closed, string Reason);
}
