using System.Globalization;
using System.Text;

namespace BotBottle.Testing.Witness;

public abstract partial class WireWitness
{
    /// <summary>What kind of flow the witness saw.</summary>
    public enum FlowKind
    {
        /// <summary>A flow the bottle contract allows: to the bundle's proxy port or resolver, ARP, the kernel's own IPv6 neighbour discovery.</summary>
        Expected,

        /// <summary>A flow to a destination a probe tried to reach on purpose (tested by that probe, not a finding).</summary>
        ProbeAttempt,

        /// <summary>Anything else: another address or port, an IPv6 frame that is not neighbour discovery, a frame that is not IP.</summary>
        Finding,
    }

    /// <summary>A destination a probe tried on purpose: an address and, optionally, one port (null: every port).</summary>
    /// <param name="Address">The address as the probe named it (IPv4 or IPv6 literal).</param>
    /// <param name="Port">The port (null: any port of that address, or a protocol without ports).</param>
    /// <param name="Protocol">The protocol the probe spoke (<c>tcp</c>, <c>icmpv6</c>, …).</param>
    public sealed record Destination(string Address, int? Port = null, string Protocol = "tcp");

    /// <summary>One flow on the wire: the frames between two endpoints of one protocol, in both directions, as the first frame started it.</summary>
    /// <param name="Kind">Expected, probe attempt or finding.</param>
    /// <param name="Protocol">The protocol: <c>IPv4 tcp</c>, <c>IPv6 icmpv6 128</c>, <c>arp</c>, <c>ethertype 0x88b5</c>.</param>
    /// <param name="Source">Who sent the flow's first frame (an address, or a MAC for a frame that is not IP).</param>
    /// <param name="Destination">Where the first frame went (an address, or a MAC).</param>
    /// <param name="Port">The destination port (null for protocols without ports).</param>
    /// <param name="FirstSeen">When its first frame was captured.</param>
    /// <param name="Frames">How many frames it had, both directions.</param>
    /// <param name="Reason">Why it is classified as it is.</param>
    public sealed record Flow(FlowKind Kind, string Protocol, string Source, string Destination, int? Port, DateTimeOffset FirstSeen, int Frames, string Reason)
    {
        /// <summary>Bytes the agent's side sent in the flow, where the witness counts bytes (a relay does; a frame capture does not: null).</summary>
        public long? BytesSent { get; init; }

        /// <summary>Bytes the agent's side received in the flow, where the witness counts bytes (null otherwise).</summary>
        public long? BytesReceived { get; init; }

        /// <summary>One line: <c>finding: IPv6 udp fe80::1 → 2001:db8::1 port 53 at 12:00:01.234, 1 frame (not the bundle)</c>.</summary>
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Kind switch { FlowKind.Expected => "expected", FlowKind.ProbeAttempt => "probe attempt", _ => "finding" }}: {Protocol} {Source} → {Destination}{(Port is { } p ? " port " + p.ToString(CultureInfo.InvariantCulture) : "")} at {FirstSeen.UtcDateTime:HH:mm:ss.fff}, {Volume()} ({Reason})");

        private string Volume() => BytesSent is { } sent
            ? string.Create(CultureInfo.InvariantCulture, $"{sent} bytes sent, {BytesReceived ?? 0} received")
            : string.Create(CultureInfo.InvariantCulture, $"{Frames} frame{(Frames == 1 ? "" : "s")}");
    }

    /// <summary>
    /// Everything the witness recorded, classified (version 1). A report is complete only when the capture was still
    /// running when it was read: <see cref="Problem"/> says otherwise, and a report with a problem never shows only
    /// bundle traffic.
    /// </summary>
    /// <param name="Interface">Where the frames were captured (<c>br-0123456789ab</c>: the bottle network's bridge).</param>
    /// <param name="Frames">Every frame captured.</param>
    /// <param name="ContextFrames">Frames the bundle or the bridge itself sent, as they do: context, not flows.</param>
    /// <param name="Flows">Every other frame, grouped into flows, in the order they began.</param>
    /// <param name="Problem">Why the capture may be incomplete (null: it ran throughout).</param>
    public sealed record Report(string Interface, int Frames, int ContextFrames, IReadOnlyList<Flow> Flows, string? Problem)
    {
        /// <summary>The report format's version.</summary>
        public int Version { get; init; } = 1;

        /// <summary>The flows the bottle contract allows.</summary>
        public IReadOnlyList<Flow> Expected => [.. Flows.Where(f => f.Kind == FlowKind.Expected)];

        /// <summary>The flows to destinations a probe tried on purpose.</summary>
        public IReadOnlyList<Flow> ProbeAttempts => [.. Flows.Where(f => f.Kind == FlowKind.ProbeAttempt)];

        /// <summary>Every flow the bottle contract does not allow.</summary>
        public IReadOnlyList<Flow> Findings => [.. Flows.Where(f => f.Kind == FlowKind.Finding)];

        /// <summary>True when the capture ran throughout and nothing but the expected flows (and probe attempts) crossed the wire.</summary>
        public bool ShowsOnlyBundleTraffic => Problem is null && !Flows.Any(f => f.Kind == FlowKind.Finding);

        /// <summary>The report as text: a summary line, then one line per flow (findings first).</summary>
        public string Describe()
        {
            var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
                $"wire witness on {Interface}: {Frames} frames ({ContextFrames} from the bundle or the bridge), {Expected.Count} expected flows, {ProbeAttempts.Count} probe attempts, {Findings.Count} findings"));
            if (Problem is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $"; incomplete: {Problem}");
            }

            foreach (var flow in Flows.OrderBy(f => f.Kind == FlowKind.Finding ? 0 : f.Kind == FlowKind.ProbeAttempt ? 1 : 2))
            {
                text.Append("\n  ").Append(flow);
            }

            return text.ToString();
        }
    }
}
