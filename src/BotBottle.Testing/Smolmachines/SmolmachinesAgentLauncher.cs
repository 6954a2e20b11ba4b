using BotBottle.Testing.Bottles;
using BotBottle.Testing.Bundles;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Guest;
using BotBottle.Testing.Launch;
using BotBottle.Testing.Processes;
using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Smolmachines;

/// <summary>
/// The smolmachines backend's side of a launch. The bundle comes first (its proxy port published on the host's
/// 127.0.0.1), then the bridge to it and a preflight through the bridge, then the machine: created from the image
/// archive with no network and the bridge's socket mounted, labelled for the reaper, started, the in-guest relay
/// started, and readiness polled. The bridge's record of its connections and smolvm's record of the machine are the
/// bottle's wire witness (<see cref="RelayWitness"/>).
/// </summary>
internal sealed class SmolmachinesAgentLauncher(
    SmolvmCli smolvm,
    SmolvmVersion version,
    string imageArchive,
    DockerEngine engine,
    BundleHost bundles,
    SmolmachinesOptions options,
    IReadOnlyList<string>? resizeBridge,
    ILogger logger) : AgentLauncher
{
    public override string BackendLabel => Describe(version, options.Platform, options.DockerEndpoint);

    /// <summary>
    /// The backend's column name: "smolmachines (smolvm 1.9.3)", or "smolmachines (emulated smolvm 1.9.3)" for an
    /// emulator; with the bundles' engine when one was configured ("smolmachines@unix:///… (…)").
    /// </summary>
    public static string Describe(SmolvmVersion version, HostPlatform platform, Uri? dockerEndpoint = null) =>
        $"{SmolmachinesBackend.BackendName}{(dockerEndpoint is null ? "" : "@" + dockerEndpoint)} ({(platform.IsEmulator ? "emulated " : "")}smolvm {version})";

    public override BundleHost Bundles => bundles;

    /// <summary>The machine's delete, then the bundle's containers and networks (the reaper still deletes a kept machine when the test host exits).</summary>
    public override string RemoveByHand(string bottleName) =>
        string.Join(' ', [smolvm.Executable, .. SmolvmCommands.Delete(version, bottleName)]) + "; " + base.RemoveByHand(bottleName);

    /// <summary>The bundle engine's reaper, and the machines' (<see cref="MachineReaper"/>).</summary>
    public override async Task StartReaperAsync(ILogger logger)
    {
        await base.StartReaperAsync(logger).ConfigureAwait(false);
        await MachineReaper.WatchAsync(smolvm, version, logger).ConfigureAwait(false);
    }

    public override BundleNetworkKind NetworkKind => BundleNetworkKind.Published;

    public override AgentDependency AgentNeeds => AgentDependency.BundleReady;

    public override BundleEndpoint AgentEndpoint(BundleEndpoint bundle) => bundle with { ProxyHost = "127.0.0.1" };

    public override async Task<LaunchedAgent> CreateAgentAsync(string bottleName, BottleSpec spec, string network, RunningBundle? bundle, TeardownStack teardown, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var port = bundle.PublishedProxyPort
            ?? throw new InvalidOperationException($"the engine ({engine.Product}) did not publish the bundle's proxy port on the host");
        var bridge = await teardown.CreateAsync("stop proxy bridge", () => Task.FromResult(ProxyBridge.Start(port, bundle.ProxyCredential, logger)), (b, _) => b.DisposeAsync().AsTask(), cancellationToken).ConfigureAwait(false);
        await bridge.PreflightAsync(engine.Product, cancellationToken).ConfigureAwait(false);

        var labels = ResourceLabels.For(bottleName, "agent", spec.ResourceLabels).Where(l => !l.Key.StartsWith("org.testcontainers", StringComparison.Ordinal)).ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);
        try
        {
            await teardown.CreateAsync(
                "delete machine",
                () => smolvm.RunCheckedAsync(SmolvmCommands.Create(version, bottleName, imageArchive, bridge.SocketPath, labels, options.Cpus, options.MemoryMib), CancellationToken.None),
                (_, ct) => smolvm.RunCheckedAsync(SmolvmCommands.Delete(version, bottleName), ct),
                cancellationToken).ConfigureAwait(false);
        }
        catch (SmolvmException failed) when (!failed.Message.Contains("already exists", StringComparison.Ordinal))
        {
            // A create that fails may still have recorded the machine (smolvm writes its record before the VM is set
            // up): delete whatever is there under this bottle's name. Not when the name was someone else's already.
            teardown.Push("delete machine a failed create may have left", ct => DeleteIfPresentAsync(bottleName, ct));
            throw;
        }

        var witness = new RelayWitness(bridge.Log, bridge.Target, spec.Bundle.ProxyPort, smolvm, version, bottleName);
        return new SmolvmAgent(bottleName, smolvm, version, spec.Bundle.ProxyPort, options, new SmolvmAgentRuntime(bottleName, smolvm, version, resizeBridge), witness);
    }

    private async Task DeleteIfPresentAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await smolvm.RunCheckedAsync(SmolvmCommands.Delete(version, name), cancellationToken).ConfigureAwait(false);
        }
        catch (SmolvmException e) when (e.Message.Contains("not found", StringComparison.Ordinal))
        {
            // Nothing was recorded: nothing to delete.
        }
    }

    private sealed class SmolvmAgent(string name, SmolvmCli smolvm, SmolvmVersion version, int relayPort, SmolmachinesOptions options, SmolvmAgentRuntime runtime, RelayWitness witness) : LaunchedAgent
    {
        private static readonly TimeSpan MissingSocketGrace = TimeSpan.FromSeconds(5);

        public override IAgentRuntime Runtime => runtime;

        public override Witness.WireWitness? Witness => witness;

        public override TimeSpan RetrySettle => options.RetrySettle;

        public override async Task StartAsync(CancellationToken cancellationToken)
        {
            await smolvm.RunCheckedAsync(SmolvmCommands.Start(name), cancellationToken).ConfigureAwait(false);
            await WaitUntilAsync("an exec", [GuestCommand.Shell, "-c", "true"], cancellationToken).ConfigureAwait(false);
            await runtime.RunCheckedAsync(SmolvmCommands.Exec(name, GuestProxyRelay.Command(relayPort), [], detach: true), cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Waits for the proxy relay to answer; the machine reports no home owner (the home step gives it).</summary>
        public override async Task<(int Uid, int Gid)?> WaitForExecAsync(CancellationToken cancellationToken)
        {
            await WaitUntilAsync("the proxy through its socket", GuestProxyRelay.ReadyCommand(relayPort), cancellationToken).ConfigureAwait(false);
            return null;
        }

        private Task<bool> WaitUntilAsync(string what, IReadOnlyList<string> check, CancellationToken cancellationToken)
        {
            // A socket that is still absent this long after the machine answers will not come: smolvm sets its bridges up at boot.
            var missingSince = (DateTime?)null;
            return Deadline.PollAsync<bool>(
                async ct =>
                {
                    try
                    {
                        var probe = await ExecRetry.RunAsync(c => runtime.ExecAsync(check, [], c), options.RetrySettle, ct).ConfigureAwait(false);
                        if (probe.ExitCode == 2 && probe.Stderr.Contains("neither socat nor perl", StringComparison.Ordinal))
                        {
                            throw new InvalidOperationException(probe.Stderr.Trim());
                        }

                        if (probe.ExitCode == 3 && probe.Stderr.Contains(GuestProxyRelay.MissingSocket, StringComparison.Ordinal))
                        {
                            missingSince ??= DateTime.UtcNow;
                            if (DateTime.UtcNow - missingSince > MissingSocketGrace)
                            {
                                throw new InvalidOperationException($"machine '{name}' (smolvm {version}): {probe.Stderr.Trim()} within {MissingSocketGrace.TotalSeconds:0} s of answering (smolvm reports a bridge it could not set up only as a warning)");
                            }
                        }

                        return probe.ExitCode == 0 ? Deadline.Attempt<bool>.Success(true) : Deadline.Attempt<bool>.Retry($"exit {probe.ExitCode}: {probe.Stderr.Trim()}");
                    }
                    catch (SmolvmException e)
                    {
                        return Deadline.Attempt<bool>.Retry(e.Message);
                    }
                },
                options.ReadyTimeout,
                options.ReadyPollInterval,
                last => Task.FromResult<Exception>(new TimeoutException($"machine '{name}' (smolvm {version}) did not answer with {what} within {options.ReadyTimeout.TotalSeconds:0} s (last: {last})")),
                cancellationToken);
        }
    }
}
