using BotBottle.Testing.Processes;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Checks;
using BotBottle.Testing.Conformance.Checks;
using BotBottle.Testing.Probes;

namespace BotBottle.Testing.Tests.Probes;

/// <summary>
/// The catalogue as one table: the checks it builds for a test bottle (pinned: ids, codes and step ids), the codes each
/// entry declares, per-daemon codes, and a new check as one more entry.
/// </summary>
public sealed class CatalogueTableTests
{
    private static readonly CatalogueTestBottle Bottle = new("one", "10.9.0.2", "10.9.0.3");
    private static readonly CatalogueTestBottle Neighbour = new("two", "10.9.1.2", "10.9.1.3");

    /// <summary>The published codes, BBT0101–BBT0123: users and specs name them, so they never change.</summary>
    private static readonly string[] PublishedCodes =
    [
        "loopback-refused BBT0101", "bypass-egress-port BBT0102", "bypass-supervise-port BBT0103", "proxy-reachable BBT0104",
        "proxy-allows-allowlisted BBT0105", "proxy-denies-unlisted BBT0106", "connect-port-denied BBT0107", "direct-egress-blocked BBT0108",
        "outside-names-do-not-resolve BBT0109", "host-services-unreachable BBT0110", "metadata-unreachable BBT0111", "ipv6-egress-blocked BBT0112",
        "neighbour-bundle-unreachable BBT0113", "neighbour-agent-unreachable BBT0114", "agent-not-root BBT0115", "no-engine-socket BBT0116",
        "placeholder-secrets-only BBT0117", "dns-stays-in-the-bottle BBT0118", "plain-http-port-denied BBT0119", "rebinding-to-loopback-refused BBT0120",
        "rebinding-to-link-local-refused BBT0121", "allowlist-is-literal BBT0122", "raw-ipv6-to-host-refused BBT0124", "host-addresses-unreachable BBT0125", "agent-container-hardened BBT0126", "wire-witness BBT0123",
    ];

    [Fact]
    public void Every_published_code_stays_on_its_check()
    {
        Assert.Equal(PublishedCodes, IsolationCatalogue.CheckIds.Select(id => $"{id} {IsolationCatalogue.CodeOf(id)}"));
        Assert.Equal(PublishedCodes, IsolationCatalogue.CheckIds.Select(id => $"{id} {ProbeConformanceCheck.For(id).Code}"));
        Assert.Equal(CatalogueCode.Unknown, IsolationCatalogue.CodeOf("no-such-check"));
        Assert.DoesNotContain(IsolationCatalogue.CheckIds, id => CatalogueCode.IsDaemonCode(IsolationCatalogue.CodeOf(id)));   // BBT0180–BBT0198 stay the daemons'
        Assert.Equal(IsolationCatalogue.CheckIds, IsolationCatalogue.Entries(new CatalogueOptions()).Select(e => e.Id));           // unique ids and codes, checked
    }

    [Fact]
    public void The_table_builds_the_catalogue_it_always_built()
    {
        // Recorded from the catalogue before it was a table (the same ids, order, codes and steps for the same inputs).
        var options = new CatalogueOptions { AgentResolvesPeers = true };
        Assert.Equal(
        [
            "loopback-refused BBT0101: loopback-9,ctl-proxy-port",
            "bypass-egress-port BBT0102: bypass-egress,ctl-proxy-port,ctl-egress-on-bundle-loopback",
            "bypass-supervise-port BBT0103: bypass-supervise,ctl-proxy-port,ctl-supervise-on-bundle-loopback",
            "proxy-reachable BBT0104: ctl-proxy-port,ctl-bundle-closed-port",
            "proxy-allows-allowlisted BBT0105: allowlisted-via-proxy,ctl-decoy-from-bundle",
            "proxy-denies-unlisted BBT0106: unlisted-via-proxy,allowlisted-via-proxy",
            "connect-port-denied BBT0107: connect-denied-port,ctl-connect-allowed-port",
            "direct-egress-blocked BBT0108: direct-to-decoy,ctl-decoy-from-bundle,ctl-proxy-port",
            "outside-names-do-not-resolve BBT0109: resolve-outside-name,ctl-resolve-from-bundle,ctl-agent-resolves-bundle",
            "host-services-unreachable BBT0110: host-via-gateway,ctl-host-service-from-bundle,ctl-proxy-port",
            "metadata-unreachable BBT0111: metadata,ctl-metadata-from-bundle,ctl-proxy-port",
            "ipv6-egress-blocked BBT0112: ipv6-to-decoy,ctl-ipv6-from-bundle,ctl-proxy-port",
            "neighbour-bundle-unreachable BBT0113: neighbour-bundle,ctl-neighbour-reaches-own-bundle,ctl-proxy-port",
            "neighbour-agent-unreachable BBT0114: neighbour-agent,ctl-neighbour-agent-refuses-its-bundle,ctl-proxy-port",
            "agent-not-root BBT0115: escalate,ctl-escalation-reporter",
            "no-engine-socket BBT0116: engine-sockets,ctl-socket-scan-finds-a-file",
            "placeholder-secrets-only BBT0117: secrets,ctl-secret-scan-finds-a-token",
            "dns-stays-in-the-bottle BBT0118: resolve-marker,ctl-marker-reached-bundle-resolver,ctl-agent-resolves-bundle",
            "plain-http-port-denied BBT0119: http-denied-port,allowlisted-via-proxy,ctl-decoy-denied-port-from-bundle",
            "rebinding-to-loopback-refused BBT0120: rebind-loopback,allowlisted-via-proxy,ctl-supervise-on-bundle-loopback,ctl-bundle-resolves-loopback-name",
            "rebinding-to-link-local-refused BBT0121: rebind-link-local,allowlisted-via-proxy,ctl-metadata-from-bundle,ctl-bundle-resolves-link-local-name",
            "allowlist-is-literal BBT0122: lookalike-via-proxy,allowlisted-via-proxy,ctl-bundle-resolves-lookalike",
        ], Pins(IsolationCatalogue.Build(Bottle, CatalogueTestBottle.FullTargets, Neighbour, options), options));

        var check = Assert.Single(IsolationCatalogue.Build(Bottle, CatalogueTestBottle.FullTargets, Neighbour, options), c => c.Id == "dns-stays-in-the-bottle");
        Assert.Contains(((NameLookup)check.Probe.Action).Name, check.Title, StringComparison.Ordinal);
        Assert.Equal("The agent cannot reach the bundle's egress daemon (port 9099) around the proxy", IsolationCatalogue.Build(Bottle, CatalogueTestBottle.FullTargets).Single(c => c.Id == "bypass-egress-port").Title);
        Assert.Equal("The agent cannot reach the bundle's egress daemon around the proxy", IsolationCatalogue.Describe("bypass-egress-port"));
    }

    [Fact]
    public void An_entry_is_left_out_where_its_condition_does_not_hold()
    {
        var bare = CatalogueTestBottle.FullTargets with { DecoyIpv6Address = null, LoopbackRebindHost = null, LinkLocalRebindHost = null, LookalikeHost = null };
        Assert.Equal(
            IsolationCatalogue.CheckIds.Except(["ipv6-egress-blocked", "neighbour-bundle-unreachable", "neighbour-agent-unreachable", "rebinding-to-loopback-refused", "rebinding-to-link-local-refused", "allowlist-is-literal", "raw-ipv6-to-host-refused", "host-addresses-unreachable", "agent-container-hardened", "wire-witness"]),
            IsolationCatalogue.Build(Bottle, bare).Select(c => c.Id));
        var noAddress = new CatalogueTestBottle("three", null, "10.9.2.3");
        Assert.DoesNotContain(IsolationCatalogue.Build(Bottle, CatalogueTestBottle.FullTargets, noAddress), c => c.Id == "neighbour-agent-unreachable");
        Assert.Contains(IsolationCatalogue.Build(Bottle, CatalogueTestBottle.FullTargets, noAddress), c => c.Id == "neighbour-bundle-unreachable");

        var witnessed = IsolationCatalogue.Build(new CatalogueTestBottle("four", "10.9.3.2", "10.9.3.3") { WithWitness = true }, CatalogueTestBottle.FullTargets);
        var wire = witnessed[^1];
        Assert.Equal("wire-witness", wire.Id);
        Assert.Equal(["witness", "ctl-witness-saw-the-proxy-connection"], wire.Steps.Select(s => s.Id));
        Assert.Contains(new BotBottle.Testing.Witness.WireWitness.Destination("10.9.3.3", 9099), ((WitnessReview)wire.Probe.Action).ProbeTargets);
        Assert.True(IsolationCatalogue.NeedsNeighbour("neighbour-agent-unreachable"));
        Assert.False(IsolationCatalogue.NeedsNeighbour("loopback-refused"));
    }

    [Fact]
    public void A_daemon_of_your_own_has_the_stable_code_it_declares()
    {
        var options = new CatalogueOptions
        {
            LoopbackDaemons = [.. CatalogueOptions.ReferenceLoopbackDaemons, new CatalogueOptions.LoopbackDaemon("metrics", 9200, "BBT0180"), new CatalogueOptions.LoopbackDaemon("admin", 9300, "BBT0181")],
        };
        var checks = IsolationCatalogue.Build(Bottle, CatalogueTestBottle.FullTargets, options: options);
        Assert.Equal(
            ["loopback-refused BBT0101: loopback-9,ctl-proxy-port",
                "bypass-egress-port BBT0102: bypass-egress,ctl-proxy-port,ctl-egress-on-bundle-loopback",
                "bypass-supervise-port BBT0103: bypass-supervise,ctl-proxy-port,ctl-supervise-on-bundle-loopback",
                "bypass-metrics-port BBT0180: bypass-metrics,ctl-proxy-port,ctl-metrics-on-bundle-loopback",
                "bypass-admin-port BBT0181: bypass-admin,ctl-proxy-port,ctl-admin-on-bundle-loopback"],
            Pins(checks, options).Take(5));

        // The code is the daemon's own, whatever else is declared or in which order.
        var alone = new CatalogueOptions { LoopbackDaemons = [new CatalogueOptions.LoopbackDaemon("admin", 9300, "BBT0181")] };
        Assert.Equal("bypass-admin-port BBT0181: bypass-admin,ctl-proxy-port,ctl-admin-on-bundle-loopback", Pins(IsolationCatalogue.Build(Bottle, CatalogueTestBottle.FullTargets, options: alone), alone)[1]);
        Assert.Equal("BBT0181", ProbeConformanceCheck.For(new CatalogueOptions.LoopbackDaemon("admin", 9300, "BBT0181")).Code.ToString());
        Assert.Equal("probe.bypass-admin-port", ProbeConformanceCheck.For(new CatalogueOptions.LoopbackDaemon("admin", 9300, "BBT0181")).Id);
    }

    [Theory]
    [InlineData("metrics", "BBT0199")]      // the unknown-probe code
    [InlineData("metrics", "BBT0124")]      // the catalogue's own range
    [InlineData("metrics", "BBT0102")]      // egress's
    [InlineData("metrics", "BBT180")]
    [InlineData("a b", "BBT0180")]
    public void A_daemon_code_outside_its_range_or_a_bad_name_is_refused(string name, string code)
    {
        var options = new CatalogueOptions { LoopbackDaemons = [new CatalogueOptions.LoopbackDaemon(name, 9200, code)] };
        Assert.Throws<ArgumentException>(() => IsolationCatalogue.Build(Bottle, CatalogueTestBottle.FullTargets, options: options));
    }

    [Fact]
    public void An_isolation_result_is_a_check_result_with_the_code_its_entry_declares()
    {
        var options = new CatalogueOptions { LoopbackDaemons = [.. CatalogueOptions.ReferenceLoopbackDaemons, new CatalogueOptions.LoopbackDaemon("metrics", 9200, "BBT0180")] };
        var checks = IsolationCatalogue.Build(Bottle, CatalogueTestBottle.FullTargets, Neighbour, options);
        var declared = IsolationCatalogue.Entries(options).ToDictionary(e => e.Id, e => e.Code);
        Assert.Equal(checks.Select(c => $"{c.Id} {declared.GetValueOrDefault(c.Id, "(no entry)")}"), checks.Select(c => $"{c.Id} {c.Code}"));
        Assert.Equal("BBT0180", checks.Single(c => c.Id == "bypass-metrics-port").Code.ToString());

        var check = checks.Single(c => c.Id == "bypass-egress-port");
        CheckResult Result(StepOutcome probe, StepOutcome control) => new IsolationResult(check, Observed(check.Probe, probe), [.. check.Controls.Select(c => Observed(c, control))]);

        var failed = Result(StepOutcome.Connected, StepOutcome.Connected);
        Assert.Equal(("probe.bypass-egress-port", "probe", "BBT0102", CheckStage.Bottle, Verdict.Failed), (failed.CheckId, failed.Kind, failed.Code.ToString(), failed.Stage, failed.Verdict));
        Assert.Equal($"{check.Title}: Connected ({((IsolationResult)failed).Probe.Evidence})", failed.Message);
        Assert.Contains("FAILED", failed.Evidence, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMilliseconds(40), failed.Elapsed);   // its slowest step
        Assert.Equal(Verdict.Passed, Result(StepOutcome.TimedOut, StepOutcome.Connected).Verdict);
        Assert.Equal(Verdict.Inconclusive, Result(StepOutcome.TimedOut, StepOutcome.Refused).Verdict);

        // A result is of its own check's steps only: another check's probe, or a control left out, is refused.
        var other = checks.Single(c => c.Id == "loopback-refused");
        Assert.Throws<ArgumentException>(() => new IsolationResult(check, Observed(other.Probe, StepOutcome.Refused), [.. check.Controls.Select(c => Observed(c, StepOutcome.Connected))]));
        Assert.Throws<ArgumentException>(() => new IsolationResult(check, Observed(check.Probe, StepOutcome.Refused), [Observed(check.Controls[0], StepOutcome.Connected)]));

        // A probe of your own (bottle.Probe(…)) is not a catalogue check: it has the code kept for that.
        Assert.Equal(CatalogueCode.Unknown, new IsolationCheck("mine", "mine", check.Probe, []).Code.ToString());
    }

    private static StepObservation Observed(IsolationStep step, StepOutcome outcome) =>
        new(step, outcome, "", "prober bash", 0, TimeSpan.FromMilliseconds(step.Id.StartsWith("ctl-", StringComparison.Ordinal) ? 40 : 10), "", "");

    [Fact]
    public void Two_daemons_with_one_code_are_refused()
    {
        var options = new CatalogueOptions { LoopbackDaemons = [new CatalogueOptions.LoopbackDaemon("metrics", 9200, "BBT0180"), new CatalogueOptions.LoopbackDaemon("admin", 9300, "BBT0180")] };
        var e = Assert.Throws<ArgumentException>(() => IsolationCatalogue.Build(Bottle, CatalogueTestBottle.FullTargets, options: options));
        Assert.Contains("bypass-metrics-port and bypass-admin-port", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_catalogue_check_is_one_table_entry()
    {
        var options = new CatalogueOptions();
        var context = new CatalogueContext(Bottle, CatalogueTestBottle.FullTargets, null, options);
        var checks = IsolationCatalogue.Build([.. IsolationCatalogue.Entries(options), SampleCatalogueEntry.ProxyAdminUnreachable], context);

        var added = checks[^1];
        Assert.Equal("proxy-admin-unreachable", added.Id);
        Assert.Equal("proxy", added.Category);
        Assert.Equal("The agent cannot reach the proxy's admin port (10.9.0.3:8899)", added.Title);
        Assert.Equal(["proxy-admin", "ctl-proxy-port", "ctl-proxy-admin-from-bundle"], added.Steps.Select(s => s.Id));
        Assert.Same(checks.Single(c => c.Id == "loopback-refused").Controls[0], added.Controls[0]);   // the shared control, one step in the battery
        Assert.Equal(options.StepTimeout, added.Probe.Timeout);                                         // a silence passes: the short limit
        Assert.Equal(IsolationCatalogue.Build(Bottle, CatalogueTestBottle.FullTargets).Select(c => c.Id).Append("proxy-admin-unreachable"), checks.Select(c => c.Id));
    }

    /// <summary>"id code: step,step" for each built check, its code from the table for <paramref name="options"/>.</summary>
    private static List<string> Pins(IEnumerable<IsolationCheck> checks, CatalogueOptions options)
    {
        var codes = IsolationCatalogue.Entries(options).ToDictionary(e => e.Id, e => e.Code);
        return checks.Select(c => $"{c.Id} {codes[c.Id]}: {string.Join(',', c.Steps.Select(s => s.Id))}").ToList();
    }
}

/// <summary>
/// A sample catalogue check, as a contributor adds one: one <see cref="CatalogueEntry"/> (in the library, one more item
/// of <c>IsolationCatalogue.Table</c>, with the next free code). Its steps come from the context's vantages, targets and
/// shared controls.
/// </summary>
internal static class SampleCatalogueEntry
{
    public static CatalogueEntry ProxyAdminUnreachable { get; } = new("proxy-admin-unreachable", CatalogueCode.Of("BBT0179"), "The agent cannot reach the proxy's admin port",
        c => new(c.Step("proxy-admin", c.Agent, Probe.Tcp(c.B.Address, 8899), StepExpectation.Blocked),
            [c.ProxyPort, c.Step("ctl-proxy-admin-from-bundle", c.Bundle, Probe.Tcp("127.0.0.1", 8899), StepExpectation.Connected)]))
    {
        Category = "proxy",
        TitleFor = c => $"The agent cannot reach the proxy's admin port ({c.B.Address}:8899)",
    };
}

internal sealed class CatalogueTestBottle(string name, string? agentAddress, string bundleAddress) : IBottle
{
    public static RangeTargets FullTargets { get; } = new("allowed.decoy.test", "denied.decoy.test", "10.8.0.5", "169.254.169.254", 7070, "10.9.0.1", "10.8.0.1")
    {
        DecoyIpv6Address = "fd00:8::5",
        LoopbackRebindHost = "loop.decoy.test",
        LinkLocalRebindHost = "meta.decoy.test",
        LookalikeHost = "allowedxdecoy.test",
    };

    public bool WithWitness { get; init; }

    public string Name => name;

    public string Backend => "test";

    public BundleEndpoint Bundle { get; } = new(bundleAddress, 8888, name + "-net");

    public string? AgentAddress => agentAddress;

    public string? PromptPath => null;

    public BotBottle.Testing.Witness.WireWitness? Witness => WithWitness ? new NoWitness() : null;

    public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<BottleExecResult> ExecAsync(string script, string user = GuestUsers.Agent, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<BottleExecResult> ExecAsync(string script, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<BottleExecResult> ExecAsync(IReadOnlyList<string> argv, string user = GuestUsers.Agent, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<BottleExecResult> ExecAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<BottleExecResult> ExecInBundleAsync(string script, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<BottleLogs> GetLogsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public IReadOnlyList<string> AgentArgv(IReadOnlyList<string> argv, bool tty = true, IReadOnlyList<string>? agentCommand = null) => throw new NotSupportedException();

    public Task<int> ExecAgentAsync(IReadOnlyList<string> argv, bool tty = true, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task CopyInAsync(string hostPath, string guestPath, string owner = GuestUsers.Root, UnixFileMode? mode = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task CopyInAsync(ReadOnlyMemory<byte> content, string guestPath, string owner = GuestUsers.Root, UnixFileMode? mode = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task CopyInAsync(Stream content, string guestPath, string owner = GuestUsers.Root, UnixFileMode? mode = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<byte[]> ReadFileAsync(string guestPath, string user = GuestUsers.Root, int maxBytes = 16 * 1024 * 1024, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<byte[]> ReadFileAsync(string guestPath, CancellationToken cancellationToken) => throw new NotSupportedException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class NoWitness : BotBottle.Testing.Witness.WireWitness
    {
        internal override Task<BotBottle.Testing.Witness.WitnessRead> ReadFlowsAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
