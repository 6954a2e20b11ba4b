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
    private static readonly IReadOnlyList<CatalogueEntry> DefaultTable = Table(CatalogueOptions.ReferenceLoopbackDaemons);

    /// <summary>The id of every check the catalogue can build with the default <see cref="CatalogueOptions"/>, in order.</summary>
    public static IReadOnlyList<string> CheckIds { get; } = DefaultTable.Select(e => e.Id).ToList();

    /// <summary>Whether the check needs a second, neighbouring bottle (its controls run there).</summary>
    public static bool NeedsNeighbour(string id) => Find(id)?.NeedsNeighbour ?? false;

    /// <summary>A catalogue check's title without the addresses a built catalogue puts in it.</summary>
    public static string Describe(string id) => (Find(id) ?? throw new ArgumentException($"the catalogue has no check '{id}'", nameof(id))).Title;

    /// <summary>The diagnostic code declared on catalogue check <paramref name="id"/> (<c>BBT0199</c> for an id the default catalogue has no entry for).</summary>
    internal static string CodeOf(string id) => Find(id)?.Code ?? CatalogueCode.Unknown;

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
        return Build(Entries(options), new CatalogueContext(bottle, targets, neighbour, options));
    }

    /// <summary>Builds every entry of <paramref name="entries"/> that applies, in order (a test's table: the catalogue's plus its own).</summary>
    internal static IReadOnlyList<IsolationCheck> Build(IEnumerable<CatalogueEntry> entries, CatalogueContext context)
    {
        foreach (var entry in entries)
        {
            if (entry.BuildFor(context) is { } check)
            {
                context.Add(check);
            }
        }

        return context.Built;
    }

    /// <summary>The catalogue's entries for <paramref name="options"/>' daemons, in order; their ids and codes checked unique.</summary>
    internal static IReadOnlyList<CatalogueEntry> Entries(CatalogueOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (table, problem) = TableFor(options.LoopbackDaemons);
        return problem is null ? table : throw new ArgumentException(problem, nameof(options));
    }

    /// <summary>
    /// Why the catalogue cannot be built with loopback daemons <paramref name="daemons"/> (one of them cannot have a
    /// check, two share a name or a code), or null: the one rule a spec, a command line and the options all meet.
    /// </summary>
    internal static string? DaemonsProblem(IReadOnlyList<CatalogueOptions.LoopbackDaemon> daemons) => TableFor(daemons).Problem;

    private static (IReadOnlyList<CatalogueEntry> Table, string? Problem) TableFor(IReadOnlyList<CatalogueOptions.LoopbackDaemon> daemons)
    {
        if (daemons.Select(DaemonProblem).OfType<string>().FirstOrDefault() is { } problem)
        {
            return ([], problem);
        }

        if (daemons.GroupBy(d => d.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } name)
        {
            return ([], $"loopback daemon '{name.Key}' is declared twice");
        }

        var table = Table(daemons);
        if (table.GroupBy(e => e.Code).FirstOrDefault(g => g.Count() > 1) is { } code)
        {
            return ([], $"code {code.Key} is declared by {string.Join(" and ", code.Select(e => e.Id))}");
        }

        return table.GroupBy(e => e.Id).FirstOrDefault(g => g.Count() > 1) is { } id
            ? ([], $"check id {id.Key} is declared twice")
            : (table, null);
    }

    /// <summary>Why <paramref name="daemon"/> cannot have a check (its name is not id-safe, its code not its own to take), or null.</summary>
    internal static string? DaemonProblem(CatalogueOptions.LoopbackDaemon daemon)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        if (string.IsNullOrEmpty(daemon.Name) || !daemon.Name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '-'))
        {
            return $"loopback daemon name '{daemon.Name}' must be letters, digits and '-' (it is part of check and step ids)";
        }

        if (daemon.Port is < 1 or > 65535)
        {
            return $"loopback daemon '{daemon.Name}' has port {daemon.Port}; a TCP port is 1 to 65535";
        }

        return CatalogueOptions.ReferenceLoopbackDaemons.Any(r => r.Name == daemon.Name && r.Code == daemon.Code) || CatalogueCode.IsDaemonCode(daemon.Code)
            ? null
            : $"loopback daemon '{daemon.Name}' has code '{daemon.Code}'; a daemon of your own takes one of BBT{CatalogueCode.FirstDaemonCode:0000}–BBT{CatalogueCode.LastDaemonCode:0000}";
    }

    private static CatalogueEntry? Find(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return DefaultTable.FirstOrDefault(e => e.Id == id);
    }

    /// <summary>
    /// The catalogue: one entry per check, in the order they are reported. A new check is one entry here, with a code of
    /// its own (the next free one of <c>BBT0124</c>–<c>BBT0179</c>); a probe action of its own only if none of
    /// <see cref="Probe"/>'s fits.
    /// </summary>
    private static IReadOnlyList<CatalogueEntry> Table(IReadOnlyList<CatalogueOptions.LoopbackDaemon> daemons) =>
    [
        new("loopback-refused", CatalogueCode.Of("BBT0101"), "The agent's own 127.0.0.1 has nothing of the host behind it",
            c => new(c.Step("loopback-9", c.Agent, Probe.Tcp("127.0.0.1", 9), StepExpectation.Refused), [c.ProxyPort])),
        .. daemons.Select(BypassEntry),
        new("proxy-reachable", CatalogueCode.Of("BBT0104"), "The agent reaches the bundle's proxy port",
            c => new(c.ProxyPort, [c.Step("ctl-bundle-closed-port", c.Agent, Probe.Tcp(c.B.ProxyHost, 1), StepExpectation.Refused)])) { Category = "proxy" },
        new("proxy-allows-allowlisted", CatalogueCode.Of("BBT0105"), "The proxy forwards requests to an allowlisted host",
            c => new(c.AllowedViaProxy, [c.DecoyFromBundle]))
        {
            Category = "proxy", TitleFor = c => $"The proxy forwards requests to an allowlisted host ({c.Targets.AllowedHost})",
        },
        new("proxy-denies-unlisted", CatalogueCode.Of("BBT0106"), "The proxy refuses a host that is not on the allowlist",
            c => new(c.Step("unlisted-via-proxy", c.Agent, Probe.HttpViaProxy(c.B.ProxyHost, c.B.ProxyPort, c.Targets.DeniedHost), StepExpectation.ProxyDenied), [c.AllowedViaProxy]))
        {
            Category = "proxy", TitleFor = c => $"The proxy refuses a host that is not on the allowlist ({c.Targets.DeniedHost}, the same decoy)",
        },
        new("connect-port-denied", CatalogueCode.Of("BBT0107"), "The proxy refuses CONNECT to a port that is not allowed",
            c => new(c.Step("connect-denied-port", c.Agent, Probe.Connect(c.B.ProxyHost, c.B.ProxyPort, c.Targets.AllowedHost, c.Targets.DeniedConnectPort), StepExpectation.ProxyDenied),
                [c.Step("ctl-connect-allowed-port", c.Agent, Probe.Connect(c.B.ProxyHost, c.B.ProxyPort, c.Targets.AllowedHost, c.Targets.AllowedConnectPort), StepExpectation.ProxyAllowed)]))
        {
            Category = "proxy", TitleFor = c => $"The proxy refuses CONNECT to a port that is not allowed ({c.Targets.DeniedConnectPort})",
        },
        new("direct-egress-blocked", CatalogueCode.Of("BBT0108"), "The agent cannot reach an outside server without the proxy",
            c => new(c.Step("direct-to-decoy", c.Agent, Probe.Tcp(c.Targets.DecoyAddress, c.Targets.DecoyHttpPort), StepExpectation.Blocked), [c.DecoyFromBundle, c.ProxyPort])),
        new("outside-names-do-not-resolve", CatalogueCode.Of("BBT0109"), "Outside host names do not resolve inside the agent",
            c => new(c.Step("resolve-outside-name", c.Agent, Probe.Resolve(c.Targets.AllowedHost), StepExpectation.DoesNotResolve), c.DnsControls)) { Category = "dns" },
        new("host-services-unreachable", CatalogueCode.Of("BBT0110"), "Host services are not reachable through the bottle network's gateway",
            c => new(c.Step("host-via-gateway", c.Agent, Probe.Tcp(c.Targets.BottleGateway, c.Targets.HostServicePort), StepExpectation.Blocked),
                [c.Step("ctl-host-service-from-bundle", c.Bundle, Probe.Tcp(c.Targets.OutsideGateway, c.Targets.HostServicePort), StepExpectation.Connected), c.ProxyPort])),
        new("metadata-unreachable", CatalogueCode.Of("BBT0111"), "The link-local metadata address is unreachable",
            c => new(c.Step("metadata", c.Agent, Probe.Tcp(c.Targets.MetadataAddress, 80), StepExpectation.Blocked), [MetadataFromBundle(c), c.ProxyPort]))
        {
            TitleFor = c => $"The link-local metadata address ({c.Targets.MetadataAddress}) is unreachable",
        },
        new("ipv6-egress-blocked", CatalogueCode.Of("BBT0112"), "The agent has no IPv6 path out",
            c => new(c.Step("ipv6-to-decoy", c.Agent, Probe.Tcp(c.Targets.DecoyIpv6Address!, c.Targets.DecoyHttpPort), StepExpectation.Blocked),
                [c.Step("ctl-ipv6-from-bundle", c.Bundle, Probe.Tcp(c.Targets.DecoyIpv6Address!, c.Targets.DecoyHttpPort), StepExpectation.Connected), c.ProxyPort]))
        {
            When = c => c.Targets.DecoyIpv6Address is not null,
        },
        new("neighbour-bundle-unreachable", CatalogueCode.Of("BBT0113"), "Another bottle's bundle is unreachable",
            c => new(c.Step("neighbour-bundle", c.Agent, Probe.Tcp(c.Neighbour.Bundle.Address, c.Neighbour.Bundle.ProxyPort), StepExpectation.Blocked),
                [c.Step("ctl-neighbour-reaches-own-bundle", c.TheirAgent, Probe.Tcp(c.Neighbour.Bundle.ProxyHost, c.Neighbour.Bundle.ProxyPort), StepExpectation.Connected), c.ProxyPort]))
        {
            NeedsNeighbour = true,
        },
        new("neighbour-agent-unreachable", CatalogueCode.Of("BBT0114"), "Another bottle's agent is unreachable",
            c => new(c.Step("neighbour-agent", c.Agent, Probe.Tcp(c.Neighbour.AgentAddress!, 1), StepExpectation.NotRouted),
                [c.Step("ctl-neighbour-agent-refuses-its-bundle", c.TheirBundle, Probe.Tcp(c.Neighbour.AgentAddress!, 1), StepExpectation.Refused), c.ProxyPort]))
        {
            NeedsNeighbour = true, When = c => c.Neighbour.AgentAddress is not null, TitleFor = _ => "Another bottle's agent is unreachable (not even a refusal comes back)",
        },
        new("agent-not-root", CatalogueCode.Of("BBT0115"), "The agent runs as non-root and cannot become root (sudo, su, setuid)",
            c => new(c.Step("escalate", c.Facts, new EscalationAttempt(), StepExpectation.Denied),
                [c.Step("ctl-escalation-reporter", c.Facts, new EscalationAttempt(Control: true), StepExpectation.Permitted)])) { Category = "identity" },
        new("no-engine-socket", CatalogueCode.Of("BBT0116"), "No container-engine socket (or remote DOCKER_HOST) is in the bottle",
            c => new(c.Step("engine-sockets", c.Facts, new SocketScan(SocketScan.EngineSockets), StepExpectation.Absent),
                [c.Step("ctl-socket-scan-finds-a-file", c.Facts, new SocketScan([c.Facts.SubjectReported ? "/proc/self/status" : "/etc/hostname"]), StepExpectation.Present)])) { Category = "identity" },
        new("placeholder-secrets-only", CatalogueCode.Of("BBT0117"), "The agent's env holds only placeholder credentials",
            c => new(c.Step("secrets", c.Facts, new SecretScan(c.Options.SecretPlaceholders), StepExpectation.Absent),
                [c.Step("ctl-secret-scan-finds-a-token", c.Facts, new SecretScan(c.Options.SecretPlaceholders, Control: true), StepExpectation.Present)])) { Category = "secrets" },
        DnsStaysInTheBottle,
        new("plain-http-port-denied", CatalogueCode.Of("BBT0119"), "The proxy refuses a plain-HTTP request to an allowlisted host on a port that is not allowed",
            c => new(c.Step("http-denied-port", c.Agent, new HttpViaProxy(c.B.ProxyHost, c.B.ProxyPort, c.Targets.AllowedHost, c.Targets.DeniedConnectPort), StepExpectation.ProxyDenied),
                [c.AllowedViaProxy, c.Step("ctl-decoy-denied-port-from-bundle", c.Bundle, Probe.Tcp(c.Targets.DecoyAddress, c.Targets.DeniedConnectPort), StepExpectation.Connected)]))
        {
            Category = "proxy", TitleFor = c => $"The proxy refuses a plain-HTTP request to an allowlisted host on a port that is not allowed ({c.Targets.AllowedHost}:{c.Targets.DeniedConnectPort})",
        },
        RebindingToLoopback,
        new("rebinding-to-link-local-refused", CatalogueCode.Of("BBT0121"), "An allowlisted name that resolves to the link-local metadata address does not reach it",
            c => new(c.Step("rebind-link-local", c.Agent, new HttpViaProxy(c.B.ProxyHost, c.B.ProxyPort, c.Targets.LinkLocalRebindHost!), StepExpectation.ProxyDenied),
                [c.AllowedViaProxy, MetadataFromBundle(c), c.Step("ctl-bundle-resolves-link-local-name", c.Bundle, Probe.Resolve(c.Targets.LinkLocalRebindHost!), StepExpectation.Resolves)]))
        {
            Category = "proxy", When = c => c.Targets.LinkLocalRebindHost is not null,
            TitleFor = c => $"An allowlisted name that resolves to the link-local metadata address ({c.Targets.LinkLocalRebindHost}) does not reach it",
        },
        new("allowlist-is-literal", CatalogueCode.Of("BBT0122"), "An allowlist entry matches only its own name (a look-alike where a regex '.' would match is refused)",
            c => new(c.Step("lookalike-via-proxy", c.Agent, new HttpViaProxy(c.B.ProxyHost, c.B.ProxyPort, c.Targets.LookalikeHost!), StepExpectation.ProxyDenied),
                [c.AllowedViaProxy, c.Step("ctl-bundle-resolves-lookalike", c.Bundle, Probe.Resolve(c.Targets.LookalikeHost!), StepExpectation.Resolves)]))
        {
            Category = "proxy", When = c => c.Targets.LookalikeHost is not null,
            TitleFor = c => $"An allowlist entry matches only its own name ({c.Targets.LookalikeHost}, a look-alike of {c.Targets.AllowedHost}, is refused)",
        },
        RawIpv6ToHost,
        new("host-addresses-unreachable", CatalogueCode.Of("BBT0125"), "No address the engine host holds, nor any gateway of the agent's routes, answers the agent",
            c => new(c.Step("host-addresses", c.Agent, new HostAddressSweep(c.Targets.HostServicePort, c.Targets.HostAddresses), StepExpectation.NotRouted),
                [c.Step("ctl-sweep-from-bundle", c.Bundle, new HostAddressSweep(c.Targets.HostServicePort, [c.Targets.OutsideGateway]), StepExpectation.Connected), c.ProxyPort]))
        {
            When = c => c.Targets.HostAddresses.Count > 0,
            TitleFor = c => $"No address the engine host holds ({string.Join(", ", c.Targets.HostAddresses)}), nor any gateway of the agent's routes, answers the agent on the host service's port {c.Targets.HostServicePort}",
        },
        new("agent-container-hardened", CatalogueCode.Of("BBT0126"), "The engine runs the agent with every capability dropped but the harness's own, no new privileges, and pids, memory and CPU limits",
            c => new(c.Step("hardening", c.Facts, new HardeningReview(), StepExpectation.Absent),
                [c.Step("ctl-hardening-review-finds-net-raw", c.Facts, new HardeningReview(Control: true), StepExpectation.Present)]))
        {
            Category = "identity", When = c => !c.Facts.SubjectReported,
        },
        WireWitness,
    ];

    /// <summary>
    /// The engine host over IPv6 spoken from user space over a packet socket in the agent's network namespace (as root
    /// with CAP_NET_RAW would, where the agent's kernel has IPv6 off), to the host's link-local address on the bottle
    /// network's bridge, at the range's host service: any IPv6 answer of the host fails. Its control is the same attempt
    /// from the bundle to the outside network's bridge, whose IPv6 is on, so a broken tool cannot pass. Only where the
    /// agent has a link to the host (its witness knows the bridge's MAC) and the harness's prober runs in its namespace.
    /// </summary>
    private static CatalogueEntry RawIpv6ToHost => new("raw-ipv6-to-host-refused", CatalogueCode.Of("BBT0124"),
        "IPv6 sent over a packet socket from the agent's network gets no answer from the engine host",
        c => new(c.Step("raw-ipv6-to-host", c.Agent, new RawIpv6Dial(c.Bottle.Witness!.HostLinkMac!, c.Targets.HostServicePort), StepExpectation.NotRouted),
            [c.Step("ctl-raw-ipv6-from-bundle", c.Bundle, new RawIpv6Dial(c.Targets.OutsideBridgeMac!, c.Targets.HostServicePort), StepExpectation.Connected), c.ProxyPort]))
    {
        Category = "ipv6",
        When = c => !c.Agent.SubjectReported && c.Bottle.Witness?.HostLinkMac is not null && c.Targets.OutsideBridgeMac is not null,
        TitleFor = c => $"IPv6 sent over a packet socket from the agent's network gets no answer from the engine host (its bridge {c.Bottle.Witness!.HostLinkMac}, the host service on port {c.Targets.HostServicePort})",
    };

    /// <summary>The control of both metadata checks: the bundle itself reaches the decoy at the metadata address.</summary>
    private static IsolationStep MetadataFromBundle(CatalogueContext c) =>
        c.Step("ctl-metadata-from-bundle", c.Bundle, Probe.Tcp(c.Targets.MetadataAddress, 80), StepExpectation.Connected);

    /// <summary>
    /// <c>bypass-{daemon}-port</c>: one check per loopback-only daemon, with the daemon's own code
    /// (<see cref="CatalogueOptions.LoopbackDaemon.Code"/>): the agent dials the daemon's port on the bundle's address, the bundle its loopback.
    /// </summary>
    internal static CatalogueEntry BypassEntry(CatalogueOptions.LoopbackDaemon daemon) =>
        new(daemon.CheckId, daemon.Code, $"The agent cannot reach the bundle's {daemon.Name} daemon around the proxy",
            c => new(c.Step($"bypass-{daemon.Name}", c.Agent, Probe.Tcp(c.B.Address, daemon.Port), StepExpectation.Blocked),
                [c.ProxyPort, c.Step($"ctl-{daemon.Name}-on-bundle-loopback", c.Bundle, Probe.Tcp("127.0.0.1", daemon.Port), StepExpectation.Connected)]))
        {
            TitleFor = _ => $"The agent cannot reach the bundle's {daemon.Name} daemon (port {daemon.Port}) around the proxy",
        };

    /// <summary>
    /// CVE-2024-29018 and its kind: an answer of NXDOMAIN proves nothing (an attacker's own domain arranges one), so
    /// this check follows the query. The agent looks up a name used nowhere else; where the agent's resolver is the
    /// engine's, the control proves that the marker reached the bundle's resolver, which answers every name itself and
    /// forwards none; a lookup sent anywhere else (the host's resolver, from the host's namespace) never arrives
    /// there and fails the check. An agent without a network (smolmachines) has no resolver to reach: its control
    /// proves it has no interface but loopback.
    /// </summary>
    private static CatalogueEntry DnsStaysInTheBottle => new("dns-stays-in-the-bottle", CatalogueCode.Of("BBT0118"),
        "A name the agent looks up reaches only the bottle's own resolver, never one outside", c =>
        {
            var marker = Marker(c);
            return new(c.Step("resolve-marker", c.Agent, Probe.Resolve(marker), StepExpectation.DoesNotResolve), c.ResolvesPeers
                ? [c.Step("ctl-marker-reached-bundle-resolver", c.Bundle, new LogWatch(c.Options.BundleDnsLog, marker), StepExpectation.Present), .. c.DnsControls.Where(s => s.Vantage == c.Agent)]
                : [c.Step("ctl-agent-has-no-network", c.Agent, new InterfaceScan(), StepExpectation.Absent)]);
        })
    {
        Category = "dns",
        TitleFor = c => $"A name the agent looks up ({Marker(c)}) reaches only the bottle's own resolver, never one outside",
    };

    /// <summary>
    /// An allowlisted name that resolves to the bundle's loopback must not reach a loopback-only daemon through the proxy.
    /// The supervise daemon answers a plain GET with 200, so a request that got there cannot pass for a refusal.
    /// </summary>
    private static CatalogueEntry RebindingToLoopback => new("rebinding-to-loopback-refused", CatalogueCode.Of("BBT0120"),
        "An allowlisted name that resolves to the bundle's loopback does not reach its loopback-only daemons", c =>
        {
            var daemon = RebindTarget(c);
            var loopback = c.Targets.LoopbackRebindHost!;
            return new(c.Step("rebind-loopback", c.Agent, new HttpViaProxy(c.B.ProxyHost, c.B.ProxyPort, loopback, daemon.Port), StepExpectation.ProxyDenied),
                [c.AllowedViaProxy, c.Step($"ctl-{daemon.Name}-on-bundle-loopback", c.Bundle, Probe.Tcp("127.0.0.1", daemon.Port), StepExpectation.Connected),
                    c.Step("ctl-bundle-resolves-loopback-name", c.Bundle, Probe.Resolve(loopback), StepExpectation.Resolves)]);
        })
    {
        Category = "proxy",
        When = c => c.Targets.LoopbackRebindHost is not null && c.Options.LoopbackDaemons.Count > 0,
        TitleFor = c => $"An allowlisted name that resolves to the bundle's loopback ({c.Targets.LoopbackRebindHost}) does not reach its {RebindTarget(c).Name} daemon (port {RebindTarget(c).Port})",
    };

    /// <summary>
    /// Read after every other step: no frame of the agent's side went anywhere but the bundle's proxy and resolver, but
    /// where a probe of this battery tried on purpose (each of those is tested by its own check). Its control finds the
    /// battery's own connection to the proxy in the capture, so a capture that saw nothing cannot pass. Last in the table:
    /// it reads the dials of every check built before it.
    /// </summary>
    private static CatalogueEntry WireWitness => new("wire-witness", CatalogueCode.Of("BBT0123"),
        "Every frame the agent's side sent, from launch to the end of the battery, went to the bundle's proxy or resolver", c =>
        {
            // The raw IPv6 dial's echo to all nodes is its attempt too; its TCP to the host is sent only where the host
            // answered IPv6, which its own check fails, and stays a finding here.
            var actions = c.Built.SelectMany(k => k.Steps).Where(s => s.Vantage == c.Agent).Select(s => s.Action).ToList();
            var targets = actions.OfType<TcpDial>().Select(d => new Witness.WireWitness.Destination(d.Host, d.Port))
                .Concat(actions.OfType<RawIpv6Dial>().Select(_ => new Witness.WireWitness.Destination("ff02::1", null, "icmpv6"))).Distinct().ToList();
            return new(c.Step("witness", c.Wire!, new WitnessReview(targets), StepExpectation.Absent),
                [c.Step("ctl-witness-saw-the-proxy-connection", c.Wire!, new WitnessReview(targets, Control: true), StepExpectation.Present)]);
        })
    {
        Category = "witness",
        When = c => c.Wire is not null,
    };

    /// <summary>The daemon the loopback-rebinding check aims at: supervise where declared, else the first.</summary>
    private static CatalogueOptions.LoopbackDaemon RebindTarget(CatalogueContext c) => c.Options.LoopbackDaemons.OrderBy(d => d.Name == "supervise" ? 0 : 1).First();

    /// <summary>The DNS check's marker name: one per built catalogue, used nowhere else.</summary>
    private static string Marker(CatalogueContext c) => c.Once("dns-marker", () => "bbt-" + Guid.NewGuid().ToString("N")[..12] + ".dns-marker.example");
}
