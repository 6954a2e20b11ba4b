using System.Text;
using System.Text.RegularExpressions;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Probes;

namespace BotBottle.Testing.Tests.Probes;

public sealed class CatalogueTableTests
{
    [Fact]
    public void Dump()
    {
        var bottle = new CatalogueTestBottle("one", "10.9.0.2", "10.9.0.3");
        var neighbour = new CatalogueTestBottle("two", "10.9.1.2", "10.9.1.3");
        var targets = CatalogueTestBottle.FullTargets;
        var sb = new StringBuilder();
        foreach (var (name, checks) in new (string, IReadOnlyList<IsolationCheck>)[]
        {
            ("full", IsolationCatalogue.Build(bottle, targets, neighbour, new CatalogueOptions { AgentResolvesPeers = true })),
            ("bare", IsolationCatalogue.Build(bottle, targets with { DecoyIpv6Address = null, LoopbackRebindHost = null, LinkLocalRebindHost = null, LookalikeHost = null })),
            ("neighbour-no-address", IsolationCatalogue.Build(bottle, targets, new CatalogueTestBottle("three", null, "10.9.2.3"), new CatalogueOptions { LoopbackDaemons = [new LoopbackDaemon("metrics", 9200, "BBT0180")] })),
            ("witness", IsolationCatalogue.Build(new CatalogueTestBottle("four", "10.9.3.2", "10.9.3.3") { WithWitness = true }, targets)),
        })
        {
            sb.Append("== ").Append(name).Append('\n').Append(CatalogueTestBottle.Signature(checks));
        }

        File.WriteAllText(Environment.GetEnvironmentVariable("CATALOGUE_DUMP") ?? "/tmp/cat/dump.txt", sb.ToString());
    }
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

    /// <summary>A check list as text: id, category, title, then every step (id, vantage, action, expectation, limit); the DNS marker normalised.</summary>
    public static string Signature(IEnumerable<IsolationCheck> checks)
    {
        var sb = new StringBuilder();
        foreach (var c in checks)
        {
            sb.Append(c.Id).Append(" [").Append(c.Category).Append("] ").Append(c.Title).Append('\n');
            foreach (var s in c.Steps)
            {
                var targets = s.Action is WitnessReview w ? " " + string.Join(",", w.ProbeTargets) : "";
                sb.Append("  ").Append(s.Id).Append(" @").Append(s.Vantage.Name).Append(' ').Append(s.Action.Describe()).Append(targets)
                    .Append(" => ").Append(s.Expected.AcceptedText).Append(' ').Append(s.Timeout).Append('\n');
            }
        }

        return Regex.Replace(sb.ToString(), "bbt-[0-9a-f]{12}", "bbt-MARKER");
    }

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
