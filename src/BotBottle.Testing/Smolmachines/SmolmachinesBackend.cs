using BotBottle.Testing.Bottles;
using BotBottle.Testing.Bundles;
using BotBottle.Testing.Launch;
using BotBottle.Testing.Processes;
using BotBottle.Testing.Provisioning;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Testing.Smolmachines;

/// <summary>
/// Bottles whose agent is a smolvm microVM, networked so that its only allowed peer is the bundle's
/// /32. Launch: bundle network → bundle (docker) → <c>machine create --from &lt;pack&gt; --allow-cidr
/// &lt;bundle&gt;/32 -e K=V…</c> → start → wait for exec → chown home → provision.
/// </summary>
public sealed class SmolmachinesBackend : IBottleBackend
{
    /// <summary>The backend's name.</summary>
    public const string BackendName = "smolmachines";

    private readonly SmolmachinesOptions _options;
    private readonly IBundleHost _bundles;
    private readonly ILogger _logger;

    /// <summary>Creates the backend; <paramref name="bundles"/> runs the bundle side (docker).</summary>
    public SmolmachinesBackend(IBundleHost bundles, SmolmachinesOptions? options = null, ILogger? logger = null)
    {
        _bundles = bundles ?? throw new ArgumentNullException(nameof(bundles));
        _options = options ?? new SmolmachinesOptions();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public string Name => BackendName;

    /// <inheritdoc />
    public async Task<PrerequisiteReport> CheckPrerequisitesAsync(CancellationToken cancellationToken = default)
    {
        var missing = new List<string>();
        var platform = _options.Platform;
        if (!platform.IsDarwin)
        {
            if (!platform.IsLinux)
            {
                missing.Add("not Darwin (smolvm runs on macOS, or on Linux with KVM)");
            }
            else if (!platform.HasUsableKvm())
            {
                missing.Add($"not Darwin, and this Linux host has no read/write {platform.KvmDevice} (smolvm needs KVM)");
            }
        }

        if (ToolLocator.Find(_options.Smolvm, _options.SearchPath) is null)
        {
            missing.Add($"`{_options.Smolvm}` not found on PATH");
        }

        if (await _bundles.CheckAvailableAsync(cancellationToken).ConfigureAwait(false) is { } dockerProblem)
        {
            missing.Add(dockerProblem);
        }

        return new PrerequisiteReport(BackendName, missing);
    }

    /// <inheritdoc />
    public async Task<IBottle> LaunchAsync(BottleSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var name = spec.Name is { } fixedName ? BottleNames.Validate(fixedName) : BottleNames.NewBottleName();
        var smolvm = CreateCli();
        var version = await smolvm.GetVersionAsync(cancellationToken).ConfigureAwait(false);
        if (!version.EnforcesAllowCidrFromPack)
        {
            _logger.LogWarning(
                "smolvm {Version} does not enforce --allow-cidr for machines created from a pack (needs {Needed}+): bottle {Bottle} is NOT network-isolated; run the isolation probes",
                version, SmolvmVersion.AllowCidrWithPackSince.ToString(3), name);
        }

        var pack = await new PackCache(smolvm, _options.PackCacheDirectory).GetOrCreateAsync(spec.AgentImage, cancellationToken).ConfigureAwait(false);
        var teardown = new TeardownStack(_logger);
        var steps = new LaunchSteps(BackendName, name, teardown, _logger);

        var network = await steps.CreateAsync("create bundle network", ct => _bundles.CreateNetworkAsync(name, ct), "remove bundle network", (n, _) => n.DisposeAsync().AsTask(), cancellationToken).ConfigureAwait(false);
        var bundle = await steps.RunAsync("start bundle", () => _bundles.StartBundleAsync(network, spec.Bundle, name, cancellationToken)).ConfigureAwait(false);
        teardown.Push("remove bundle", bundle);

        var guestEnv = GuestEnvironment.For(bundle.Endpoint, spec.Env);
        await steps.CreateAsync(
            "create machine",
            ct => smolvm.RunCheckedAsync(SmolvmCommands.Create(version, name, pack, [bundle.Endpoint.HostCidr], guestEnv, _options.Cpus, _options.MemoryMib), ct),
            "delete machine",
            (_, ct) => smolvm.RunCheckedAsync(SmolvmCommands.Delete(version, name), ct),
            cancellationToken).ConfigureAwait(false);
        await steps.RunAsync("start machine", () => smolvm.RunCheckedAsync(SmolvmCommands.Start(name), cancellationToken)).ConfigureAwait(false);
        teardown.Push("stop machine", ct => smolvm.RunCheckedAsync(SmolvmCommands.Stop(name), ct));
        await steps.RunAsync("wait for exec", () => WaitUntilExecAnswersAsync(smolvm, name, cancellationToken)).ConfigureAwait(false);

        var bottle = new SmolmachinesBottle(name, smolvm, spec, bundle, guestEnv, teardown, PtyBridgeCommand(), _options.RetrySettle);
        await steps.RunAsync("chown agent home", () => BottleProvisioner.FixHomeOwnershipAsync(bottle, cancellationToken)).ConfigureAwait(false);
        bottle.PromptPath = await steps.RunAsync("provision", () => BottleProvisioner.ProvisionAsync(bottle, spec, cancellationToken)).ConfigureAwait(false);
        _logger.LogInformation("smolmachines bottle {Bottle} ready (smolvm {Version}, bundle {Bundle})", name, version, bundle.Endpoint.Address);
        return bottle;
    }

    private SmolvmCli CreateCli()
    {
        var path = ToolLocator.Find(_options.Smolvm, _options.SearchPath)
            ?? throw new SmolvmException($"`{_options.Smolvm}` not found on PATH; install smolvm (macOS, or Linux with KVM)");
        return new SmolvmCli(new HostCommand(path, _options.Environment, _logger));
    }

    private IReadOnlyList<string> PtyBridgeCommand() => _options.PtyBridgeCommand ?? PtyBridge.PtyBridgeLocator.DefaultCommand();

    private async Task WaitUntilExecAnswersAsync(SmolvmCli smolvm, string name, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + _options.ReadyTimeout;
        var last = "no answer yet";
        while (true)
        {
            try
            {
                var probe = await smolvm.ExecAsync(name, ["/bin/sh", "-c", "echo ready"], cancellationToken).ConfigureAwait(false);
                if (probe.ExitCode == 0 && probe.Stdout.Contains("ready", StringComparison.Ordinal))
                {
                    return;
                }

                last = $"exit {probe.ExitCode}: {probe.Stderr.Trim()}";
            }
            catch (SmolvmException ex)
            {
                last = ex.Message;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"machine '{name}' did not answer an exec within {_options.ReadyTimeout.TotalSeconds:0} s (last: {last})");
            }

            await Task.Delay(_options.ReadyPollInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}
