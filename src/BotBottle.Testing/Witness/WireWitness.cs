namespace BotBottle.Testing.Witness;

/// <summary>
/// The bottle's wire witness: every frame on the bottle network, recorded from launch to teardown by a capture the
/// harness runs outside the agent (on docker, tcpdump in a harness-owned container on the network's bridge), so no
/// verdict about traffic rests on anything the agent can touch. <see cref="ReadAsync(CancellationToken)"/> copies the
/// capture so far and classifies every flow: <see cref="FlowKind.Expected"/> (the bundle's proxy port and resolver,
/// ARP, the kernel's own IPv6 neighbour discovery), <see cref="FlowKind.ProbeAttempt"/> (a destination you name as one
/// a probe tried on purpose) and <see cref="FlowKind.Finding"/> (everything else).
/// </summary>
/// <example>
/// <code>
/// var report = await bottle.Witness!.ReadAsync(ct);
/// report.ShouldShowOnlyBundleTraffic();   // IsolationAssertionException naming every finding
/// </code>
/// </example>
public abstract partial class WireWitness
{
    private protected WireWitness()
    {
    }

    /// <summary>Reads and classifies everything captured so far.</summary>
    /// <param name="cancellationToken">Stops the read (the capture goes on).</param>
    public Task<Report> ReadAsync(CancellationToken cancellationToken = default) => ReadAsync([], cancellationToken);

    /// <summary>Reads and classifies everything captured so far; flows to <paramref name="probeDestinations"/> are listed as probe attempts, not findings.</summary>
    /// <param name="probeDestinations">Destinations your own probes tried to reach on purpose (each such destination is tested by its probe).</param>
    /// <param name="cancellationToken">Stops the read (the capture goes on).</param>
    public async Task<Report> ReadAsync(IEnumerable<Destination> probeDestinations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(probeDestinations);
        var probes = probeDestinations.ToList();
        var read = await ReadFlowsAsync(cancellationToken).ConfigureAwait(false);
        return Compose(read, probes);
    }

    /// <summary>
    /// The report of one read: every finding to a destination a probe named becomes a probe attempt (the same rule for
    /// every source of flows), in the order the flows began.
    /// </summary>
    internal static Report Compose(WitnessRead read, IReadOnlyList<Destination> probes)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(probes);
        var targets = probes.Select(p => (Address: System.Net.IPAddress.TryParse(p.Address, out var a) ? a : null, p.Port, p.Protocol)).Where(p => p.Address is not null).ToList();
        // Only a flow of the probe's own protocol to a probed address (and port) is one of its attempts.
        bool Probed(Flow flow) =>
            System.Net.IPAddress.TryParse(flow.Destination, out var destination)
            && targets.Any(t => flow.Protocol.Split(' ').Contains(t.Protocol, StringComparer.Ordinal) && t.Address!.Equals(destination) && (t.Port is null || t.Port == flow.Port));
        var flows = read.Flows.Select(f => f.Kind == FlowKind.Finding && Probed(f) ? f with { Kind = FlowKind.ProbeAttempt, Reason = "a destination a probe tried on purpose" } : f).ToList();
        return new Report(read.Interface, read.Frames, read.ContextFrames, flows, read.Problem);
    }

    /// <summary>Everything the witness's source recorded so far, as flows classified expected or finding (probes are applied by <see cref="Compose"/>).</summary>
    internal abstract Task<WitnessRead> ReadFlowsAsync(CancellationToken cancellationToken);

    /// <summary>The engine host's MAC on the agent's link (the bottle network's bridge), where the agent has a link to the host.</summary>
    internal virtual string? HostLinkMac => null;

    /// <summary>What the witness set up on the network for the bottle's isolation (the bridge's IPv6), for the bottle's report.</summary>
    internal virtual string? NetworkSecurity => null;

    /// <summary>What the launch should warn of about the network's isolation (null: nothing).</summary>
    internal virtual string? NetworkWarning => null;
}

/// <summary>One read of a witness's source, before probe destinations are applied.</summary>
/// <param name="Interface">Where it was recorded (<c>br-0123456789ab</c>; the relay of a machine).</param>
/// <param name="Frames">The units recorded (frames on a wire; connections through a relay).</param>
/// <param name="ContextFrames">Units that are context, not flows.</param>
/// <param name="Flows">The flows, in the order they began.</param>
/// <param name="Problem">Why the record may be incomplete (null: complete).</param>
internal sealed record WitnessRead(string Interface, int Frames, int ContextFrames, IReadOnlyList<WireWitness.Flow> Flows, string? Problem);

/// <summary>One read of a witness: the pcap bytes, where they were captured, and whether the capture still runs.</summary>
/// <param name="Interface">The interface captured (<c>br-0123456789ab</c>).</param>
/// <param name="Pcap">The pcap file so far.</param>
/// <param name="Context">Who is who on the wire.</param>
/// <param name="Problem">Why the capture may be incomplete (it stopped, it could not be read); null when it runs.</param>
internal sealed record WitnessCapture(string Interface, byte[] Pcap, WireContext Context, string? Problem);

/// <summary>
/// Who is who on the bottle network: the bundle (its MAC and address, its proxy port, its resolver port), the bridge's
/// own MAC (the host side) and the agent's address.
/// </summary>
internal sealed record WireContext(string BundleMac, System.Net.IPAddress BundleAddress, int ProxyPort, string BridgeMac, System.Net.IPAddress? AgentAddress)
{
    public const int ResolverPort = 53;
}
