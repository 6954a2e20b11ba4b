using BotBottle.Testing.Bottles;
using BotBottle.Testing.Docker;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Probes;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Dns;

/// <summary>
/// CVE-2024-29018 on a real affected engine (the docker-in-docker Engine 20.10 whose host namespace resolves through a
/// decoy on 127.0.0.53 that logs every query): the leak reproduced with a plain container, a harness bottle that
/// leaks nothing and passes its DNS check, and the same bottle without the mitigation leaking and failing that check.
/// Nothing here touches the machine's own resolver.
/// </summary>
[Trait("Category", "Dns")]
public sealed class DnsForwardingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_plain_container_on_an_internal_bottle_network_leaks_its_lookups_to_the_hosts_loopback_resolver()
    {
        var (endpoint, engine) = await AffectedEngineAsync();
        var marker = Marker();
        await using var plain = await ScratchContainer.StartAsync(engine, TestImages.Bundle, ["/bin/sh", "-c", "sleep 300"], onBottleNetwork: true, "plain");

        var lookup = await plain.Container.ShellAsync($"getent hosts {marker}", Ct);

        Assert.NotEqual(0, lookup.ExitCode);
        Assert.True(await DecoySawAsync(endpoint, marker), $"the reproduction stopped working: the decoy resolver never saw {marker} (log: {DecoyLog(endpoint)})");
    }

    [Fact]
    public async Task A_harness_bottle_on_the_affected_engine_leaks_nothing_and_passes_its_dns_check()
    {
        var (endpoint, _) = await AffectedEngineAsync();
        await using var bottle = new BottleBuilder().WithBackend(Backend(endpoint)).Build();
        await bottle.StartAsync(Ct);

        var result = (await bottle.RunChecksAsync(DnsCheck(bottle), cancellationToken: Ct)).Results.Single();
        var asRoot = Marker();
        var rootLookup = await bottle.ExecAsync($"getent hosts {asRoot}", GuestUsers.Root, Ct);
        var bundle = await bottle.ExecAsync("getent hosts bundle", cancellationToken: Ct);

        Assert.True(result.Passed, result.Describe());
        Assert.NotEqual(0, rootLookup.ExitCode);
        Assert.Equal(0, bundle.ExitCode);
        Assert.Contains(bottle.Bundle.Address, bundle.Stdout, StringComparison.Ordinal);
        Assert.False(await DecoySawAsync(endpoint, MarkerOf(result), TimeSpan.FromSeconds(2)), $"the agent's lookup reached the engine host's resolver: {DecoyLog(endpoint)}");
        Assert.False(await DecoySawAsync(endpoint, asRoot, TimeSpan.Zero), $"root's lookup reached the engine host's resolver: {DecoyLog(endpoint)}");
    }

    [Fact]
    public async Task Without_the_mitigation_the_same_bottle_leaks_and_its_dns_check_fails()
    {
        var (endpoint, _) = await AffectedEngineAsync();
        await using var bottle = new BottleBuilder().WithBackend(Backend(endpoint)).Build();
        using (AgentResolver.WithoutMitigation())
        {
            await bottle.StartAsync(Ct);
        }

        {
            var result = (await bottle.RunChecksAsync(DnsCheck(bottle), cancellationToken: Ct)).Results.Single();

            Assert.False(result.Passed, "the check passed although the agent's resolver forwards to the host: " + result.Describe());
            Assert.Contains(result.Controls, c => c.Step.Id == "ctl-marker-reached-bundle-resolver" && c.Outcome == StepOutcome.Absent);
            Assert.True(await DecoySawAsync(endpoint, MarkerOf(result)), "without the mitigation the lookup should have leaked to the decoy");
        }
    }

    private static async Task<(Uri Endpoint, DockerEngine Engine)> AffectedEngineAsync()
    {
        var endpoint = TestEngines.RequireCveEngine();
        var engine = await EngineProvider.For(endpoint).GetAsync(Ct);
        if (!DnsExposure.IsAffected(engine.EngineVersion))
        {
            Assert.Skip($"the test engine runs Docker Engine {engine.EngineVersion}, which has the fix for CVE-2024-29018: nothing to reproduce");
        }

        var note = await DnsExposure.NoteAsync(engine, Ct);
        Assert.NotNull(note);
        Assert.Contains("on loopback (127.0.0.53)", note, StringComparison.Ordinal);
        return (endpoint, engine);
    }

    private static DockerBackend Backend(Uri endpoint) => new(new DockerBackendOptions { Endpoint = endpoint });

    private static IsolationCheck[] DnsCheck(IBottle bottle)
    {
        // Only the DNS check runs: the other checks' targets are never dialled.
        var unused = new RangeTargets("unused.invalid", "unused.invalid", "192.0.2.1", "192.0.2.2", 9, "192.0.2.3", "192.0.2.4");
        return [IsolationCatalogue.Build(bottle, unused).Single(c => c.Id == "dns-stays-in-the-bottle")];
    }

    private static string MarkerOf(IsolationResult result) => ((NameLookup)result.Probe.Step.Action).Name;

    private static string Marker() => "bbt-" + Guid.NewGuid().ToString("N")[..12] + ".dns-marker.example";

    private static string DecoyLog(Uri endpoint) =>
        File.Exists(TestEngines.DecoyResolverLog(endpoint)) ? string.Join(" | ", File.ReadLines(TestEngines.DecoyResolverLog(endpoint)).TakeLast(6)) : "(no log)";

    private static async Task<bool> DecoySawAsync(Uri endpoint, string marker, TimeSpan? wait = null)
    {
        var deadline = DateTime.UtcNow + (wait ?? TimeSpan.FromSeconds(5));
        var log = TestEngines.DecoyResolverLog(endpoint);
        while (true)
        {
            if (File.Exists(log) && (await File.ReadAllTextAsync(log, Ct)).Contains(marker, StringComparison.Ordinal))
            {
                return true;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(200, Ct);
        }
    }
}
