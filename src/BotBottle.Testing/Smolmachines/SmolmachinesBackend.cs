using BotBottle.Testing.Bottles;
using BotBottle.Testing.Bundles;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Launch;
using BotBottle.Testing.Processes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Testing.Smolmachines;

/// <summary>
/// Bottles whose agent is a smolvm microVM with no network at all: its only way out is the bundle's proxy,
/// through a host socket mounted into the VM. Needs macOS (or Linux with KVM), smolvm 1.8.0 or newer, and a
/// docker engine for the bundle.
/// </summary>
/// <example><code>var backend = new SmolmachinesBackend(new SmolmachinesOptions { Cpus = 2 }, logger);</code></example>
public sealed class SmolmachinesBackend : BottleBackend
{
    /// <summary>The backend's name.</summary>
    public const string BackendName = "smolmachines";

    private readonly SmolmachinesOptions _options;
    private readonly EngineProvider _engines;
    private readonly AsyncOnce<SmolvmCli> _smolvm;

    /// <summary>Creates the backend.</summary>
    public SmolmachinesBackend(SmolmachinesOptions? options = null, ILogger? logger = null)
        : base(logger ?? NullLogger.Instance)
    {
        _options = options ?? new SmolmachinesOptions();
        _engines = EngineProvider.For(_options.DockerEndpoint);
        _smolvm = new AsyncOnce<SmolvmCli>(() => Task.FromResult(CreateCli()));
    }

    /// <inheritdoc />
    public override string Name => BackendName;

    /// <inheritdoc />
    public override async Task<PrerequisiteReport> CheckPrerequisitesAsync(CancellationToken cancellationToken = default)
    {
        var missing = new List<string>();
        if (_options.Platform.HypervisorProblem() is { } hypervisor)
        {
            missing.Add(hypervisor);
        }

        if (ToolLocator.Find(_options.Smolvm, _options.SearchPath) is null)
        {
            missing.Add($"`{_options.Smolvm}` not found on PATH");
        }
        else
        {
            try
            {
                var version = await (await _smolvm.GetAsync(cancellationToken).ConfigureAwait(false)).GetVersionAsync(cancellationToken).ConfigureAwait(false);
                if (version.Refusal is { } refusal)
                {
                    missing.Add(refusal);
                }
            }
            catch (SmolvmException e)
            {
                missing.Add(e.Message);
            }
        }

        if (await _engines.CheckAvailableAsync(cancellationToken).ConfigureAwait(false) is { } dockerProblem)
        {
            missing.Add("the bundle needs docker: " + dockerProblem);
        }

        return new PrerequisiteReport(BackendName, missing);
    }

    internal SmolmachinesOptions Options => _options;

    /// <summary>The smolvm command line this backend drives (throws <see cref="SmolvmException"/> when it cannot be found or runs under a foreign name).</summary>
    internal Task<SmolvmCli> GetCliAsync(CancellationToken cancellationToken) => _smolvm.GetAsync(cancellationToken);

    internal override Uri? EngineEndpoint => _options.DockerEndpoint;

    /// <inheritdoc />
    public override async Task<string> DescribeAsync(CancellationToken cancellationToken = default)
    {
        var version = await (await _smolvm.GetAsync(cancellationToken).ConfigureAwait(false)).GetVersionAsync(cancellationToken).ConfigureAwait(false);
        return SmolmachinesAgentLauncher.Describe(version, _options.Platform, _options.DockerEndpoint);
    }

    internal override async Task<AgentLauncher> PrepareAsync(BottleSpec spec, CancellationToken cancellationToken)
    {
        var smolvm = await _smolvm.GetAsync(cancellationToken).ConfigureAwait(false);
        var version = await smolvm.GetVersionAsync(cancellationToken).ConfigureAwait(false);
        if (version.Refusal is { } refusal)
        {
            throw new SmolvmException(refusal);
        }

        var engine = await _engines.GetAsync(cancellationToken).ConfigureAwait(false);
        await Images.EngineImages.RequireAsync(engine, [spec.AgentImage, spec.Bundle.Image], cancellationToken).ConfigureAwait(false);
        // Resolved here, inside the launch's first step: a bridge that is missing fails the launch before anything exists.
        var bridge = version.ForwardsTerminalSize && !_options.AlwaysBridgeTerminalSize ? null : PtyBridgeLocator.Resolve(_options.PtyBridgeCommand);
        var archive = await ImageArchives.GetAsync(engine, spec.AgentImage, _options.ImageCacheDirectory ?? ImageArchives.DefaultDirectory(), Logger, cancellationToken).ConfigureAwait(false);
        return new SmolmachinesAgentLauncher(smolvm, version, archive, engine, new BundleHost(engine, Logger, _options.BundleReadyTimeout), _options, bridge, Logger);
    }

    private SmolvmCli CreateCli()
    {
        var path = ToolLocator.Find(_options.Smolvm, _options.SearchPath)
            ?? throw new SmolvmException($"`{_options.Smolvm}` not found on PATH; install smolvm {SmolvmVersion.MinimumSupported.ToString(3)}+ (macOS, or Linux with KVM)");
        if (ForeignName(path) is { } name)
        {
            throw new SmolvmException(
                $"smolvm at {path} runs as '{name}': smolvm prints a stray-stub note on stderr for every command when its executable is not named smolvm or smolvm-bin (smolvm src/main.rs), " +
                "which would be read as the guest's output; run it under its own name (the harness never copies or renames it)");
        }

        return new SmolvmCli(path, _options.Environment, Logger, _options.CallLog);
    }

    /// <summary>
    /// The file stem smolvm sees as its own (std::env::current_exe, which on Linux resolves symlinks) when it is not
    /// one smolvm accepts; null when it is. An installer's <c>smolvm</c> script that execs <c>smolvm-bin</c> is fine.
    /// </summary>
    private static string? ForeignName(string path)
    {
        string[] accepted = ["smolvm", "smolvm-bin"];
        var stems = new List<string> { Path.GetFileNameWithoutExtension(path) };
        if (OperatingSystem.IsLinux() && new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true) is { } target)
        {
            stems.Add(Path.GetFileNameWithoutExtension(target.FullName));
        }

        return stems.FirstOrDefault(s => !accepted.Contains(s, StringComparer.Ordinal));
    }
}
