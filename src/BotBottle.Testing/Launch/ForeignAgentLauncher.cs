using BotBottle.Testing.Processes;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Bundles;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Guest;

namespace BotBottle.Testing.Launch;

/// <summary>
/// The agent side of a launch for a backend of another assembly: the bundle on the backend's docker engine, on a
/// host-isolated network, and once it is ready, the agent from <see cref="BottleBackend.LaunchAgentAsync"/> beside it.
/// </summary>
internal sealed class ForeignAgentLauncher(BottleBackend backend, string label, DockerEngine engine, BundleHost bundles) : AgentLauncher
{
    /// <summary>How long the agent has to answer its first exec once its backend returned it.</summary>
    private static readonly TimeSpan ExecTimeout = TimeSpan.FromSeconds(60);

    public static async Task<AgentLauncher> PrepareAsync(BottleBackend backend, BottleSpec spec, CancellationToken cancellationToken)
    {
        var engine = await EngineProvider.For(backend.EngineEndpoint).GetAsync(cancellationToken).ConfigureAwait(false);
        await Images.EngineImages.RequireAsync(engine, [spec.Bundle.Image], cancellationToken).ConfigureAwait(false);
        var label = await backend.LabelAsync(cancellationToken).ConfigureAwait(false);
        return new ForeignAgentLauncher(backend, label, engine, new BundleHost(engine, backend.Logger, TimeSpan.FromSeconds(30)));
    }

    public override string BackendLabel => label;

    public override BundleHost Bundles => bundles;

    public override BundleNetworkKind NetworkKind => BundleNetworkKind.HostIsolated;

    public override AgentDependency AgentNeeds => AgentDependency.BundleReady;

    public override async Task<LaunchedAgent> CreateAgentAsync(string bottleName, BottleSpec spec, string network, RunningBundle? bundle, TeardownStack teardown, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var context = new BottleBackend.AgentLaunchContext(bottleName, spec.AgentImage, bundle.Endpoint, spec.ResourceLabels, engine.Endpoint.Uri, teardown);
        var runtime = await backend.LaunchForeignAgentAsync(context, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"the {backend.Name} backend launched no agent");
        return new ForeignAgent(runtime);
    }

    /// <summary>An agent its backend has started: the launch waits only for its first exec.</summary>
    private sealed class ForeignAgent(IAgentRuntime runtime) : LaunchedAgent
    {
        public override IAgentRuntime Runtime => runtime;

        public override TimeSpan RetrySettle => ExecRetry.DefaultSettle;

        public override Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override async Task<(int Uid, int Gid)?> WaitForExecAsync(CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ExecTimeout);
            BottleExecResult? last = null;
            try
            {
                while (true)
                {
                    last = await runtime.ExecAsync(["true"], [], timeout.Token).ConfigureAwait(false);
                    if (last.ExitCode == 0)
                    {
                        return null;
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(200), timeout.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"the agent did not answer an exec within {ExecTimeout.TotalSeconds:0} s" + (last is null ? "" : $" (last: exit {last.ExitCode}: {last.Stderr.Trim()})"));
            }
        }
    }
}
