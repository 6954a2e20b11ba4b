using BotBottle.Testing.Bundles;

namespace BotBottle.Testing.Tests.Support;

/// <summary>
/// A bundle host that creates nothing: it records its steps into the stand-in's journal (so the
/// order of bundle and smolvm steps is one sequence) and can be told to fail a step.
/// </summary>
public sealed class RecordingBundleHost(StandInSmolvm journal) : IBundleHost
{
    public string? FailAt { get; init; }

    public string? Unavailable { get; init; }

    public Task<string?> CheckAvailableAsync(CancellationToken cancellationToken) => Task.FromResult(Unavailable);

    public Task<IBundleNetwork> CreateNetworkAsync(string bottleName, CancellationToken cancellationToken)
    {
        journal.Record("#bundle", "create-network", bottleName);
        ThrowIfFailing("create-network");
        return Task.FromResult<IBundleNetwork>(new Network(journal, bottleName + "-net"));
    }

    public Task<IRunningBundle> StartBundleAsync(IBundleNetwork network, BundleSpec spec, string bottleName, CancellationToken cancellationToken)
    {
        journal.Record("#bundle", "start-bundle", bottleName);
        ThrowIfFailing("start-bundle");
        return Task.FromResult<IRunningBundle>(new Bundle(journal, new BundleEndpoint("10.99.0.2", spec.ProxyPort, network.Name)));
    }

    private void ThrowIfFailing(string step)
    {
        if (FailAt == step)
        {
            throw new InvalidOperationException($"injected failure at {step}");
        }
    }

    private sealed class Network(StandInSmolvm journal, string name) : IBundleNetwork
    {
        public string Name => name;

        public string Id => "net-" + name;

        public ValueTask DisposeAsync()
        {
            journal.Record("#bundle", "remove-network", name);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class Bundle(StandInSmolvm journal, BundleEndpoint endpoint) : IRunningBundle
    {
        public BundleEndpoint Endpoint => endpoint;

        public string ContainerId => "bundle-container";

        public Task<string> GetLogsAsync(CancellationToken cancellationToken) => Task.FromResult("");

        public Task<BotBottle.Testing.Bottles.ExecResult> ExecAsync(string script, CancellationToken cancellationToken)
        {
            journal.Record("#bundle", "exec", script);
            return Task.FromResult(new BotBottle.Testing.Bottles.ExecResult(0, "", "", TimeSpan.Zero));
        }

        public ValueTask DisposeAsync()
        {
            journal.Record("#bundle", "remove-bundle");
            return ValueTask.CompletedTask;
        }
    }
}
