using System.Diagnostics;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Bundles;
using BotBottle.Testing.Provisioning;
using Microsoft.Extensions.Logging;
using BotBottle.Testing.Diagnostics;

namespace BotBottle.Testing.Launch;

/// <summary>
/// The one launch sequence, for every backend: bundle network → bundle (created, started, ready) and the
/// agent beside it, from the moment it has what it needs (<see cref="AgentDependency"/>) → agent started → answers an exec →
/// home owned by the agent user → prompt and skills. Every creation registers its undo on one
/// <see cref="TeardownStack"/> as it happens; when any step fails or the launch is cancelled, every step
/// running at the same time settles first, then the stack unwinds once, in reverse order.
/// </summary>
internal static class BottleLauncher
{
    public static async Task<LaunchedBottle> LaunchAsync(BottleBackend backend, BottleSpec spec, string name, CancellationToken cancellationToken)
    {
        var logger = backend.Logger;
        spec = spec.ForLaunch(DateTimeOffset.UtcNow, Environment.GetEnvironmentVariable(BottleLabels.KeepVariable));
        SecretValues.Register([.. spec.Env.Values, .. spec.Bundle.Env.Values]);
        var teardown = new TeardownStack(logger);
        var steps = new LaunchSteps(backend.Name, name, logger);
        var clock = Stopwatch.StartNew();
        AgentLauncher? launcher = null;
        try
        {
            launcher = await steps.RunAsync("prepare", () => backend.PrepareAsync(spec, cancellationToken)).ConfigureAwait(false);
            spec = spec.Validate();
            await steps.RunAsync("start reaper", () => launcher.StartReaperAsync(logger)).ConfigureAwait(false);
            var bundles = launcher.Bundles;
            if (spec.Upstreams.Count > 0)
            {
                var upstream = await steps.RunAsync("connect upstreams", () => teardown.CreateAsync(
                    "disconnect upstreams", () => Upstreams.ConnectAsync(bundles.Engine, name, spec.Upstreams, spec.ResourceLabels, logger), (n, ct) => Upstreams.DisconnectAsync(n, spec.Upstreams, ct), cancellationToken)).ConfigureAwait(false);
                spec = spec with { Bundle = Upstreams.Wire(spec.Bundle, upstream.Name, spec.Upstreams) };
            }

            var network = await steps.RunAsync("create network", () => teardown.CreateAsync(
                "remove bottle network", () => bundles.CreateNetworkAsync(name, launcher.NetworkKind, spec.ResourceLabels), (n, ct) => n.RemoveAsync(ct), cancellationToken)).ConfigureAwait(false);

            var bundleCreated = CreateBundleAsync(steps, teardown, bundles, network, spec, name, launcher.NetworkKind, cancellationToken);
            var started = launcher;

            // The witness captures beside the bundle's start; the agent starts only once it captures.
            var witnessUp = steps.RunAsync("start witness", () => started.StartWitnessAsync(name, spec, network, bundleCreated, teardown, cancellationToken));
            var bundleStarted = StartBundleAsync(bundleCreated, steps, bundles, spec, cancellationToken);
            var bundleUp = WaitForBundleAsync(bundleStarted, steps, bundles, spec, cancellationToken);
            var agentUp = launcher.AgentNeeds switch
            {
                AgentDependency.BundleAddress => StartAgentAfterAsync(AddressKnownAsync(bundleCreated, bundleStarted), witnessUp, steps, teardown, started, spec, name, network.Name, cancellationToken),
                AgentDependency.BundleReady => StartAgentAfterAsync(bundleUp, witnessUp, steps, teardown, started, spec, name, network.Name, cancellationToken),
                _ => StartAgentAsync(steps, teardown, started, spec, name, network.Name, null, witnessUp, cancellationToken),
            };
            await SettleAsync(bundleUp, agentUp, witnessUp).ConfigureAwait(false);
            var bundle = await bundleUp.ConfigureAwait(false);
            var agent = await agentUp.ConfigureAwait(false);
            var witness = await witnessUp.ConfigureAwait(false);

            var endpoint = launcher.AgentEndpoint(bundle.Endpoint);
            var guestEnv = GuestEnvironment.For(endpoint, spec.Env);
            var reportedOwner = await steps.RunAsync("wait for exec", () => agent.WaitForExecAsync(cancellationToken)).ConfigureAwait(false);
            var (uid, gid) = await steps.RunAsync("chown agent home", () => agent.OwnHomeAsync(spec, reportedOwner, cancellationToken)).ConfigureAwait(false);
            await steps.RunAsync("provision", () => agent.ProvisionAsync(BottleProvisioner.Files(spec, uid, gid), cancellationToken)).ConfigureAwait(false);
            var promptPath = BottleProvisioner.PromptPathFor(spec);
            var label = backend.Label ?? launcher.BackendLabel;
            var security = Security(agent.Security, witness);
            if (witness?.NetworkWarning is { } warning)
            {
                logger.LogWarning("bottle {Bottle}: {Warning}", name, warning);
            }

            logger.LogInformation("{Backend} bottle {Bottle} ready in {Ms} ms (bundle {Bundle}; agent {Security})", label, name, clock.ElapsedMilliseconds, bundle.Endpoint.Address, security ?? "security settings not reported");
            return new LaunchedBottle(name, label, spec, agent.Runtime, bundle, endpoint, guestEnv, promptPath, agent.RetrySettle, teardown) { AgentSecurity = security, Witness = witness ?? agent.Witness };
        }
        catch (OperationCanceledException)
        {
            // Cancelled launches still clean up, and surface as the cancellation they are.
            await teardown.UnwindAsync().ConfigureAwait(false);
            throw;
        }
        catch (LaunchStepException failed) when (spec.KeepUntil is { } until && launcher is not null && teardown.Count > 0)
        {
            // Kept for debugging: nothing is unwound; the keep label holds off the reaper and the sweep until then.
            var kept = new BottleLaunchException(backend.Name, name, failed.Step, failed.InnerException ?? failed, [], new KeptBottle(until, launcher.RemoveByHand(name)));
            logger.LogWarning("{Message}", kept.Message);
            throw kept;
        }
        catch (LaunchStepException failed)
        {
            var failures = await teardown.UnwindAsync().ConfigureAwait(false);
            throw new BottleLaunchException(backend.Name, name, failed.Step, failed.InnerException ?? failed, failures);
        }
    }

    /// <summary>The agent's security settings and what the witness set up on its network, for the bottle's report.</summary>
    private static string? Security(string? agent, Witness.WireWitness? witness) =>
        witness?.NetworkSecurity is { } network ? (agent ?? "security settings not reported") + "; " + network : agent;

    private static Task<RunningBundle> CreateBundleAsync(LaunchSteps steps, TeardownStack teardown, BundleHost bundles, BottleNetwork network, BottleSpec spec, string name, BundleNetworkKind kind, CancellationToken cancellationToken) =>
        steps.RunAsync("create bundle", () => teardown.CreateContainerAsync(
            "remove bundle", () => bundles.CreateAsync(network, spec.Bundle, name, kind, spec.ResourceLabels), b => b.Container, cancellationToken, TeardownStack.Containers));

    private static async Task<RunningBundle> StartBundleAsync(Task<RunningBundle> created, LaunchSteps steps, BundleHost bundles, BottleSpec spec, CancellationToken cancellationToken)
    {
        var bundle = await created.ConfigureAwait(false);
        await steps.RunAsync("start bundle", () => bundles.StartAsync(bundle, spec.Bundle, cancellationToken)).ConfigureAwait(false);
        return bundle;
    }

    /// <summary>The bundle once its address is known: at its creation when the network fixed the address, else once it has started.</summary>
    private static async Task<RunningBundle> AddressKnownAsync(Task<RunningBundle> created, Task<RunningBundle> started)
    {
        var bundle = await created.ConfigureAwait(false);
        return bundle.Address is null ? await started.ConfigureAwait(false) : bundle;
    }

    private static async Task<RunningBundle> WaitForBundleAsync(Task<RunningBundle> started, LaunchSteps steps, BundleHost bundles, BottleSpec spec, CancellationToken cancellationToken)
    {
        var bundle = await started.ConfigureAwait(false);
        await steps.RunAsync("wait for bundle", () => bundles.WaitReadyAsync(bundle, spec.Bundle, cancellationToken)).ConfigureAwait(false);
        return bundle;
    }

    private static async Task<LaunchedAgent> StartAgentAfterAsync(Task<RunningBundle> bundleUp, Task witnessUp, LaunchSteps steps, TeardownStack teardown, AgentLauncher launcher, BottleSpec spec, string name, string network, CancellationToken cancellationToken)
    {
        var bundle = await bundleUp.ConfigureAwait(false);
        return await StartAgentAsync(steps, teardown, launcher, spec, name, network, bundle, witnessUp, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates the agent, then starts it once the witness captures (so the witness misses none of its frames).</summary>
    private static async Task<LaunchedAgent> StartAgentAsync(LaunchSteps steps, TeardownStack teardown, AgentLauncher launcher, BottleSpec spec, string name, string network, RunningBundle? bundle, Task witnessUp, CancellationToken cancellationToken)
    {
        var agent = await steps.RunAsync("create agent", () => launcher.CreateAgentAsync(name, spec, network, bundle, teardown, cancellationToken)).ConfigureAwait(false);
        await witnessUp.ConfigureAwait(false);
        await steps.RunAsync("start agent", () => agent.StartAsync(cancellationToken)).ConfigureAwait(false);
        return agent;
    }

    /// <summary>Waits until all have finished, successfully or not, so nothing is still being created while the stack unwinds.</summary>
    private static async Task SettleAsync(params Task[] tasks)
    {
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (Exception e) when (e is LaunchStepException or OperationCanceledException)
        {
            // Rethrown below by awaiting the failed task itself (its own exception, not the aggregate's first).
        }

        await (tasks.FirstOrDefault(t => t.IsFaulted || t.IsCanceled) ?? Task.CompletedTask).ConfigureAwait(false);
    }
}
