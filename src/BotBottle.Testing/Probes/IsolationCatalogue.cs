using BotBottle.Testing.Bottles;

namespace BotBottle.Testing.Probes;

/// <summary>
/// The isolation checks a bottle must pass, each with positive controls run in the same battery:
/// loopback, every loopback-only bundle daemon, the proxy (reachable, allowlist, CONNECT ports),
/// direct egress, DNS, host services, cloud metadata, IPv6, a neighbouring bottle, root escalation,
/// engine sockets and secrets.
/// </summary>
public static class IsolationCatalogue
{
    private static readonly (string Id, string Title)[] Titles =
    [
        ("loopback-refused", "The agent's own 127.0.0.1 has nothing of the host behind it"),
        ("bypass-egress-port", "The agent cannot reach the bundle's egress daemon around the proxy"),
        ("bypass-supervise-port", "The agent cannot reach the bundle's supervise daemon around the proxy"),
        ("proxy-reachable", "The agent reaches the bundle's proxy port"),
        ("proxy-allows-allowlisted", "The proxy forwards requests to an allowlisted host"),
        ("proxy-denies-unlisted", "The proxy refuses a host that is not on the allowlist"),
        ("connect-port-denied", "The proxy refuses CONNECT to a port that is not allowed"),
        ("direct-egress-blocked", "The agent cannot reach an outside server without the proxy"),
        ("outside-names-do-not-resolve", "Outside host names do not resolve inside the agent"),
        ("host-services-unreachable", "Host services are not reachable through the bottle network's gateway"),
        ("metadata-unreachable", "The link-local metadata address is unreachable"),
        ("ipv6-egress-blocked", "The agent has no IPv6 path out"),
        ("neighbour-bundle-unreachable", "Another bottle's bundle is unreachable"),
        ("neighbour-agent-unreachable", "Another bottle's agent is unreachable"),
        ("agent-not-root", "The agent runs as non-root and cannot become root (sudo, su, setuid)"),
        ("no-engine-socket", "No container-engine socket (or remote DOCKER_HOST) is in the bottle"),
        ("placeholder-secrets-only", "The agent's env holds only placeholder credentials"),
        ("dns-stays-in-the-bottle", "A name the agent looks up reaches only the bottle's own resolver, never one outside"),
        ("plain-http-port-denied", "The proxy refuses a plain-HTTP request to an allowlisted host on a port that is not allowed"),
        ("rebinding-to-loopback-refused", "An allowlisted name that resolves to the bundle's loopback does not reach its loopback-only daemons"),
        ("rebinding-to-link-local-refused", "An allowlisted name that resolves to the link-local metadata address does not reach it"),
        ("allowlist-is-literal", "An allowlist entry matches only its own name (a look-alike where a regex '.' would match is refused)"),
        ("wire-witness", "Every frame the agent's side sent, from launch to the end of the battery, went to the bundle's proxy or resolver"),
        ("raw-ipv6-to-host-refused", "IPv6 sent over a packet socket from the agent's network gets no answer from the engine host"),
        ("host-addresses-unreachable", "No address the engine host holds, nor any gateway of the agent's routes, answers the agent"),
        ("agent-container-hardened", "The engine runs the agent with every capability dropped but the harness's own, no new privileges, and pids, memory and CPU limits"),
    ];

    /// <summary>The id of every check the catalogue can build with the default <see cref="CatalogueOptions"/>, in order.</summary>
    public static IReadOnlyList<string> CheckIds { get; } = Titles.Select(t => t.Id).ToList();

    /// <summary>Whether the check needs a second, neighbouring bottle (its controls run there).</summary>
    public static bool NeedsNeighbour(string id) => id is "neighbour-bundle-unreachable" or "neighbour-agent-unreachable";

    /// <summary>A catalogue check's title without the addresses a built catalogue puts in it.</summary>
    public static string Describe(string id) =>
        Titles.FirstOrDefault(t => t.Id == id).Title ?? throw new ArgumentException($"the catalogue has no check '{id}'", nameof(id));

    /// <summary>
    /// CVE-2024-29018 and its kind: an answer of NXDOMAIN proves nothing (an attacker's own domain arranges one), so
    /// this check follows the query. The agent looks up a name used nowhere else; where the agent's resolver is the
    /// engine's, the control proves that the marker reached the bundle's resolver, which answers every name itself and
    /// forwards none; a lookup sent anywhere else (the host's resolver, from the host's namespace) never arrives
    /// there and fails the check. An agent without a network (smolmachines) has no resolver to reach: its control
    /// proves it has no interface but loopback.
    /// </summary>
    private static IsolationCheck DnsStaysInTheBottle(ProbeVantage agent, ProbeVantage bundle, bool resolvesPeers, IReadOnlyList<ProbeStep> dnsControls, CatalogueOptions options, Func<string, ProbeVantage, ProbeAction, ProbeExpectation, ProbeStep> step)
    {
        var marker = "bbt-" + Guid.NewGuid().ToString("N")[..12] + ".dns-marker.example";
        var lookup = step("resolve-marker", agent, Probe.Resolve(marker), ProbeExpectation.DoesNotResolve);
        IReadOnlyList<ProbeStep> controls = resolvesPeers
            ? [step("ctl-marker-reached-bundle-resolver", bundle, new LogWatch(options.BundleDnsLog, marker), ProbeExpectation.Present), .. dnsControls.Where(c => c.Vantage == agent)]
            : [step("ctl-agent-has-no-network", agent, new InterfaceScan(), ProbeExpectation.Absent)];
        return new IsolationCheck("dns-stays-in-the-bottle", $"A name the agent looks up ({marker}) reaches only the bottle's own resolver, never one outside", lookup, controls) { Category = "dns" };
    }

    /// <summary>
    /// The proxy's policy for every request, after resolution: a plain-HTTP request on a port that is not allowed, an
    /// allowlisted name that resolves to the bundle's loopback (a loopback-only daemon's port) or to the link-local
    /// metadata address, and a look-alike of an allowed name that a regex "." would let through. Each is refused by the
    /// proxy (the proxy's own answer, or its chain's refusal to connect), never forwarded; its controls show the target
    /// answers from the bundle itself and the proxy forwards the allowed name. Left out where the targets name no such host.
    /// </summary>
    private static IEnumerable<IsolationCheck> ProxyPolicy(ProbeVantage agent, ProbeVantage bundle, BundleEndpoint b, RangeTargets targets, CatalogueOptions options, ProbeStep allowedViaProxy, Func<string, ProbeVantage, ProbeAction, ProbeExpectation, ProbeStep> step)
    {
        yield return new("plain-http-port-denied", $"The proxy refuses a plain-HTTP request to an allowlisted host on a port that is not allowed ({targets.AllowedHost}:{targets.DeniedConnectPort})",
            step("http-denied-port", agent, new HttpViaProxy(b.ProxyHost, b.ProxyPort, targets.AllowedHost, targets.DeniedConnectPort), ProbeExpectation.ProxyDenied),
            [allowedViaProxy, step("ctl-decoy-denied-port-from-bundle", bundle, Probe.Tcp(targets.DecoyAddress, targets.DeniedConnectPort), ProbeExpectation.Connected)]) { Category = "proxy" };
        if (targets.LoopbackRebindHost is { } loopback && options.LoopbackDaemons.Count > 0)
        {
            // The supervise daemon answers a plain GET with 200, so a request that got there cannot pass for a refusal.
            var (daemon, port) = options.LoopbackDaemons.OrderBy(d => d.Key == "supervise" ? 0 : 1).First();
            yield return new("rebinding-to-loopback-refused", $"An allowlisted name that resolves to the bundle's loopback ({loopback}) does not reach its {daemon} daemon (port {port})",
                step("rebind-loopback", agent, new HttpViaProxy(b.ProxyHost, b.ProxyPort, loopback, port), ProbeExpectation.ProxyDenied),
                [allowedViaProxy, step($"ctl-{daemon}-on-bundle-loopback", bundle, Probe.Tcp("127.0.0.1", port), ProbeExpectation.Connected),
                    step("ctl-bundle-resolves-loopback-name", bundle, Probe.Resolve(loopback), ProbeExpectation.Resolves)]) { Category = "proxy" };
        }

        if (targets.LinkLocalRebindHost is { } linkLocal)
        {
            yield return new("rebinding-to-link-local-refused", $"An allowlisted name that resolves to the link-local metadata address ({linkLocal}) does not reach it",
                step("rebind-link-local", agent, new HttpViaProxy(b.ProxyHost, b.ProxyPort, linkLocal), ProbeExpectation.ProxyDenied),
                [allowedViaProxy, step("ctl-metadata-from-bundle", bundle, Probe.Tcp(targets.MetadataAddress, 80), ProbeExpectation.Connected),
                    step("ctl-bundle-resolves-link-local-name", bundle, Probe.Resolve(linkLocal), ProbeExpectation.Resolves)]) { Category = "proxy" };
        }

        if (targets.LookalikeHost is { } lookalike)
        {
            yield return new("allowlist-is-literal", $"An allowlist entry matches only its own name ({lookalike}, a look-alike of {targets.AllowedHost}, is refused)",
                step("lookalike-via-proxy", agent, new HttpViaProxy(b.ProxyHost, b.ProxyPort, lookalike), ProbeExpectation.ProxyDenied),
                [allowedViaProxy, step("ctl-bundle-resolves-lookalike", bundle, Probe.Resolve(lookalike), ProbeExpectation.Resolves)]) { Category = "proxy" };
        }
    }

    /// <summary>
    /// The engine host by every path the kernel of the agent would not take: IPv6 spoken from user space over a packet
    /// socket (as root with CAP_NET_RAW would, where the agent's kernel has IPv6 off) to the host's link-local address on
    /// the bottle network's bridge, and TCP to every gateway of the agent's routes (read in its namespace, from outside
    /// it) and every IPv4 address the host holds. Any answer of the host fails. The raw IPv6 control is the same attempt
    /// from the bundle to the outside network's bridge, whose IPv6 is left on, so a broken tool cannot pass; the
    /// sweep's control is the same sweep from the bundle reaching the host service through its own gateway.
    /// </summary>
    private static IEnumerable<IsolationCheck> HostPaths(ProbeVantage agent, ProbeVantage bundle, string? hostLinkMac, RangeTargets targets, ProbeStep proxyPort, Func<string, ProbeVantage, ProbeAction, ProbeExpectation, ProbeStep> step)
    {
        if (hostLinkMac is { } hostMac && targets.OutsideBridgeMac is { } outsideMac)
        {
            yield return new("raw-ipv6-to-host-refused", $"IPv6 sent over a packet socket from the agent's network gets no answer from the engine host (its bridge {hostMac}, the host service on port {targets.HostServicePort})",
                step("raw-ipv6-to-host", agent, new RawIpv6Dial(hostMac, targets.HostServicePort), ProbeExpectation.NotRouted),
                [step("ctl-raw-ipv6-from-bundle", bundle, new RawIpv6Dial(outsideMac, targets.HostServicePort), ProbeExpectation.Connected), proxyPort]) { Category = "ipv6" };
        }

        if (targets.HostAddresses.Count > 0)
        {
            yield return new("host-addresses-unreachable", $"No address the engine host holds ({string.Join(", ", targets.HostAddresses)}), nor any gateway of the agent's routes, answers the agent on the host service's port {targets.HostServicePort}",
                step("host-addresses", agent, new HostAddressSweep(targets.HostServicePort, targets.HostAddresses), ProbeExpectation.NotRouted),
                [step("ctl-sweep-from-bundle", bundle, new HostAddressSweep(targets.HostServicePort, [targets.OutsideGateway]), ProbeExpectation.Connected), proxyPort]);
        }
    }

    /// <summary>
    /// Read after every other step: no frame of the agent's side went anywhere but the bundle's proxy and resolver, but
    /// where a probe of this battery tried on purpose (each of those is tested by its own check). Its control finds the
    /// battery's own connection to the proxy in the capture, so a capture that saw nothing cannot pass.
    /// </summary>
    private static IsolationCheck WireWitnessCheck(ProbeVantage wire, IReadOnlyList<IsolationCheck> checks, ProbeVantage agent, Func<string, ProbeVantage, ProbeAction, ProbeExpectation, ProbeStep> step)
    {
        // The raw IPv6 dial's echo to all nodes is its attempt too; its TCP to the host is sent only where the host
        // answered IPv6, which its own check fails, and stays a finding here.
        var actions = checks.SelectMany(c => c.Steps).Where(s => s.Vantage == agent).Select(s => s.Action).ToList();
        var targets = actions.OfType<TcpDial>().Select(d => new Witness.WireWitness.Destination(d.Host, d.Port))
            .Concat(actions.OfType<RawIpv6Dial>().Select(_ => new Witness.WireWitness.Destination("ff02::1", null, "icmpv6"))).Distinct().ToList();
        return new IsolationCheck("wire-witness", "Every frame the agent's side sent, from launch to the end of the battery, went to the bundle's proxy or resolver",
            step("witness", wire, new WitnessReview(targets), ProbeExpectation.Absent),
            [step("ctl-witness-saw-the-proxy-connection", wire, new WitnessReview(targets, Control: true), ProbeExpectation.Present)]) { Category = "witness" };
    }

    /// <summary>Builds the catalogue for <paramref name="bottle"/>, aimed at the caller's own <paramref name="targets"/>.</summary>
    /// <param name="bottle">The bottle under test (its bundle must be wired to the range the targets come from).</param>
    /// <param name="targets">Decoys and addresses the caller owns.</param>
    /// <param name="neighbour">Another running bottle; its agent and bundle must be unreachable. Optional.</param>
    /// <param name="options">Bundle daemons, placeholders, limits.</param>
    public static IReadOnlyList<IsolationCheck> Build(IBottle bottle, RangeTargets targets, IBottle? neighbour = null, CatalogueOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        ArgumentNullException.ThrowIfNull(targets);
        options ??= new CatalogueOptions();
        // Network steps: the harness's prober in the agent's network namespace where the backend has one. Facts about the
        // agent: read from outside it where it has an observer. Elsewhere both are the agent's own report (subject-reported).
        var agent = ProbeVantage.Agent(bottle);
        var facts = ProbeVantage.Facts(bottle);
        var bundle = ProbeVantage.Bundle(bottle);
        var b = bottle.Bundle;
        ProbeStep Step(string id, ProbeVantage at, ProbeAction action, ProbeExpectation expected) =>
            new(id, at, action, expected) { Timeout = expected.Accepts(ProbeOutcome.TimedOut) ? options.StepTimeout : options.AnswerTimeout };

        // Every check that a silence or a missing route passes also has the agent's own dial to the proxy port as a
        // control, run at the same time: where something in the agent's namespace makes dials fail (its conntrack table
        // filled, its ports taken), that control fails too and the check is inconclusive, never passed.
        var proxyPort = Step("ctl-proxy-port", agent, Probe.Tcp(b.ProxyHost, b.ProxyPort), ProbeExpectation.Connected);
        var decoyFromBundle = Step("ctl-decoy-from-bundle", bundle, Probe.Tcp(targets.DecoyAddress, targets.DecoyHttpPort), ProbeExpectation.Connected);
        var allowedViaProxy = Step("allowlisted-via-proxy", agent, Probe.HttpViaProxy(b.ProxyHost, b.ProxyPort, targets.AllowedHost), ProbeExpectation.ProxyAllowed);
        var checks = new List<IsolationCheck>
        {
            new("loopback-refused", "The agent's own 127.0.0.1 has nothing of the host behind it",
                Step("loopback-9", agent, Probe.Tcp("127.0.0.1", 9), ProbeExpectation.Refused), [proxyPort]),
        };

        foreach (var (daemon, port) in options.LoopbackDaemons)
        {
            checks.Add(new($"bypass-{daemon}-port", $"The agent cannot reach the bundle's {daemon} daemon (port {port}) around the proxy",
                Step($"bypass-{daemon}", agent, Probe.Tcp(b.Address, port), ProbeExpectation.Blocked),
                [proxyPort, Step($"ctl-{daemon}-on-bundle-loopback", bundle, Probe.Tcp("127.0.0.1", port), ProbeExpectation.Connected)]));
        }

        checks.Add(new("proxy-reachable", "The agent reaches the bundle's proxy port",
            proxyPort,
            [Step("ctl-bundle-closed-port", agent, Probe.Tcp(b.ProxyHost, 1), ProbeExpectation.Refused)]) { Category = "proxy" });
        checks.Add(new("proxy-allows-allowlisted", $"The proxy forwards requests to an allowlisted host ({targets.AllowedHost})",
            allowedViaProxy, [decoyFromBundle]) { Category = "proxy" });
        checks.Add(new("proxy-denies-unlisted", $"The proxy refuses a host that is not on the allowlist ({targets.DeniedHost}, the same decoy)",
            Step("unlisted-via-proxy", agent, Probe.HttpViaProxy(b.ProxyHost, b.ProxyPort, targets.DeniedHost), ProbeExpectation.ProxyDenied),
            [allowedViaProxy]) { Category = "proxy" });
        checks.Add(new("connect-port-denied", $"The proxy refuses CONNECT to a port that is not allowed ({targets.DeniedConnectPort})",
            Step("connect-denied-port", agent, Probe.Connect(b.ProxyHost, b.ProxyPort, targets.AllowedHost, targets.DeniedConnectPort), ProbeExpectation.ProxyDenied),
            [Step("ctl-connect-allowed-port", agent, Probe.Connect(b.ProxyHost, b.ProxyPort, targets.AllowedHost, targets.AllowedConnectPort), ProbeExpectation.ProxyAllowed)]) { Category = "proxy" });
        checks.Add(new("direct-egress-blocked", "The agent cannot reach an outside server without the proxy",
            Step("direct-to-decoy", agent, Probe.Tcp(targets.DecoyAddress, targets.DecoyHttpPort), ProbeExpectation.Blocked), [decoyFromBundle, proxyPort]));

        var dnsControls = new List<ProbeStep> { Step("ctl-resolve-from-bundle", bundle, Probe.Resolve(targets.AllowedHost), ProbeExpectation.Resolves) };
        var resolvesPeers = options.AgentResolvesPeers ?? bottle is Launch.Bottle { AgentResolvesPeers: true };
        if (resolvesPeers)
        {
            dnsControls.Add(Step("ctl-agent-resolves-bundle", agent, Probe.Resolve(options.BundleAlias), ProbeExpectation.Resolves));
        }

        checks.Add(new("outside-names-do-not-resolve", "Outside host names do not resolve inside the agent",
            Step("resolve-outside-name", agent, Probe.Resolve(targets.AllowedHost), ProbeExpectation.DoesNotResolve),
            dnsControls) { Category = "dns" });
        checks.Add(new("host-services-unreachable", "Host services are not reachable through the bottle network's gateway",
            Step("host-via-gateway", agent, Probe.Tcp(targets.BottleGateway, targets.HostServicePort), ProbeExpectation.Blocked),
            [Step("ctl-host-service-from-bundle", bundle, Probe.Tcp(targets.OutsideGateway, targets.HostServicePort), ProbeExpectation.Connected), proxyPort]));
        checks.Add(new("metadata-unreachable", $"The link-local metadata address ({targets.MetadataAddress}) is unreachable",
            Step("metadata", agent, Probe.Tcp(targets.MetadataAddress, 80), ProbeExpectation.Blocked),
            [Step("ctl-metadata-from-bundle", bundle, Probe.Tcp(targets.MetadataAddress, 80), ProbeExpectation.Connected), proxyPort]));
        if (targets.DecoyIpv6Address is { } v6)
        {
            checks.Add(new("ipv6-egress-blocked", "The agent has no IPv6 path out",
                Step("ipv6-to-decoy", agent, Probe.Tcp(v6, targets.DecoyHttpPort), ProbeExpectation.Blocked),
                [Step("ctl-ipv6-from-bundle", bundle, Probe.Tcp(v6, targets.DecoyHttpPort), ProbeExpectation.Connected), proxyPort]));
        }

        if (neighbour is not null)
        {
            var theirAgent = ProbeVantage.AgentOf(neighbour, "neighbour agent");
            var theirBundle = ProbeVantage.Bundle(neighbour, "neighbour bundle");
            var nb = neighbour.Bundle;
            checks.Add(new("neighbour-bundle-unreachable", "Another bottle's bundle is unreachable",
                Step("neighbour-bundle", agent, Probe.Tcp(nb.Address, nb.ProxyPort), ProbeExpectation.Blocked),
                [Step("ctl-neighbour-reaches-own-bundle", theirAgent, Probe.Tcp(nb.ProxyHost, nb.ProxyPort), ProbeExpectation.Connected), proxyPort]));
            if (neighbour.AgentAddress is { } theirAddress)
            {
                checks.Add(new("neighbour-agent-unreachable", "Another bottle's agent is unreachable (not even a refusal comes back)",
                    Step("neighbour-agent", agent, Probe.Tcp(theirAddress, 1), ProbeExpectation.NotRouted),
                    [Step("ctl-neighbour-agent-refuses-its-bundle", theirBundle, Probe.Tcp(theirAddress, 1), ProbeExpectation.Refused), proxyPort]));
            }
        }

        checks.Add(new("agent-not-root", "The agent runs as non-root and cannot become root (sudo, su, setuid)",
            Step("escalate", facts, new EscalationAttempt(), ProbeExpectation.Denied),
            [Step("ctl-escalation-reporter", facts, new EscalationAttempt(Control: true), ProbeExpectation.Permitted)]) { Category = "identity" });
        checks.Add(new("no-engine-socket", "No container-engine socket (or remote DOCKER_HOST) is in the bottle",
            Step("engine-sockets", facts, new SocketScan(SocketScan.EngineSockets), ProbeExpectation.Absent),
            [Step("ctl-socket-scan-finds-a-file", facts, new SocketScan([facts.SubjectReported ? "/proc/self/status" : "/etc/hostname"]), ProbeExpectation.Present)]) { Category = "identity" });
        checks.Add(new("placeholder-secrets-only", "The agent's env holds only placeholder credentials",
            Step("secrets", facts, new SecretScan(options.SecretPlaceholders), ProbeExpectation.Absent),
            [Step("ctl-secret-scan-finds-a-token", facts, new SecretScan(options.SecretPlaceholders, Control: true), ProbeExpectation.Present)]) { Category = "secrets" });
        if (!facts.SubjectReported)
        {
            checks.Add(new("agent-container-hardened", "The engine runs the agent with every capability dropped but the harness's own, no new privileges, and pids, memory and CPU limits",
                Step("hardening", facts, new HardeningReview(), ProbeExpectation.Absent),
                [Step("ctl-hardening-review-finds-net-raw", facts, new HardeningReview(Control: true), ProbeExpectation.Present)]) { Category = "identity" });
        }

        checks.Add(DnsStaysInTheBottle(agent, bundle, resolvesPeers, dnsControls, options, Step));
        checks.AddRange(ProxyPolicy(agent, bundle, b, targets, options, allowedViaProxy, Step));
        checks.AddRange(HostPaths(agent, bundle, bottle.Witness?.HostLinkMac, targets, proxyPort, Step));
        if (ProbeVantage.WitnessOf(bottle) is { } wire)
        {
            checks.Add(WireWitnessCheck(wire, checks, agent, Step));
        }

        return checks;
    }
}
