using BotBottle.Testing.Bottles;
using BotBottle.Testing.Docker;
using BotBottle.Testing.Launch;
using DotNet.Testcontainers.Containers;

namespace BotBottle.Testing;

/// <summary>
/// Builds a bottle, in Testcontainers' style: immutable (every <c>With…</c> returns a new builder, so one
/// can be shared and varied), validated at <see cref="Build"/>, started with <see cref="IBottle.StartAsync"/>
/// and torn down with <c>DisposeAsync</c>. The defaults are the locally built reference images on the docker
/// backend.
/// </summary>
/// <example>
/// <code>
/// await using var bottle = new BottleBuilder()
///     .WithAgentImage("my/agent:1.2")
///     .WithAllowedHost("api.example.test")
///     .WithEnv("PROJECT", "alpha")
///     .WithPrompt("You are inside a bottle.")
///     .WithBackend(new DockerBackend())
///     .Build();
/// await bottle.StartAsync(ct);
/// </code>
/// </example>
public sealed class BottleBuilder
{
    /// <summary>The reference agent image (override with BOTBOTTLE_AGENT_IMAGE).</summary>
    public static string ReferenceAgentImage => ReferenceImageNames.Agent;

    /// <summary>The reference bundle image (override with BOTBOTTLE_BUNDLE_IMAGE).</summary>
    public static string ReferenceBundleImage => ReferenceImageNames.Bundle;

    private readonly BottleSpec _spec;
    private readonly BottleBackend? _backend;

    /// <summary>A builder for the reference bottle on the docker backend.</summary>
    public BottleBuilder()
        : this(new BottleSpec(ReferenceAgentImage, new BundleSpec(ReferenceBundleImage)), null)
    {
    }

    private BottleBuilder(BottleSpec spec, BottleBackend? backend)
    {
        _spec = spec;
        _backend = backend;
    }

    /// <summary>The backend the bottle will run on (docker unless <see cref="WithBackend"/> said otherwise).</summary>
    public BottleBackend Backend => _backend ?? new DockerBackend();

    internal BottleSpec Spec => _spec;

    /// <summary>The agent image (a local or registry docker image).</summary>
    public BottleBuilder WithAgentImage(string image) => With(_spec with { AgentImage = image });

    /// <summary>The bundle image (the egress proxy and its daemons).</summary>
    public BottleBuilder WithBundleImage(string image) => With(_spec with { Bundle = _spec.Bundle with { Image = image } });

    /// <summary>Adds a host the bundle's proxy lets the agent reach: a host name, or <c>*.</c> and one for its subdomains; anything else is refused at once.</summary>
    public BottleBuilder WithAllowedHost(string host)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        AllowedHostName.Validate(host);
        return With(_spec with { Bundle = _spec.Bundle with { AllowedHosts = [.. _spec.Bundle.AllowedHosts, host] } });
    }

    /// <summary>The bundle daemons to start (the bundle image decides the names; default: all of them).</summary>
    public BottleBuilder WithBundleDaemons(params string[] daemons) => With(_spec with { Bundle = _spec.Bundle with { Daemons = daemons } });

    /// <summary>The port the bundle's proxy listens on for the agent.</summary>
    public BottleBuilder WithProxyPort(int port) => With(_spec with { Bundle = _spec.Bundle with { ProxyPort = port } });

    /// <summary>Adds env the bottle declares for the agent (layered over the standard guest env, re-sent on every exec).</summary>
    public BottleBuilder WithEnv(string key, string value) => With(_spec.WithEnv(key, value));

    /// <summary>The agent's system prompt (the prompt file, mode 0640, owned by root with the agent's group, is provisioned even when empty).</summary>
    public BottleBuilder WithPrompt(string prompt, PromptMode mode = PromptMode.AppendFile) => With(_spec.WithPrompt(prompt, mode));

    /// <summary>Adds a skill (a host file or directory) copied into the agent's skills directory.</summary>
    public BottleBuilder WithSkill(string hostPath, string? name = null) => With(_spec.WithSkill(new SkillSource(hostPath, name)));

    /// <summary>The agent command (argv head), e.g. <c>claude</c>.</summary>
    public BottleBuilder WithAgentCommand(params string[] command) => With(_spec with { AgentCommand = command });

    /// <summary>The directory the agent starts in.</summary>
    public BottleBuilder WithAgentWorkdir(string directory) => With(_spec with { AgentWorkdir = directory });

    /// <summary>The agent's resource limits (default: 512 processes, 2 GiB, 1.5 CPUs); refused at once when one is not positive.</summary>
    public BottleBuilder WithLimits(AgentLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return With(_spec with { Limits = limits.Validate() });
    }

    /// <summary>The terminal title and background colour of an interactive session.</summary>
    public BottleBuilder WithTerminal(string title, string color = "") => With(_spec with { Terminal = new TerminalStyle(title, color) });

    /// <summary>A fixed bottle name (by default a unique one is generated).</summary>
    public BottleBuilder WithName(string name) => With(_spec with { Name = name });

    /// <summary>
    /// Adds a label to every resource of the bottle (its network, bundle and agent containers, its upstream network; the
    /// microVM on smolmachines). Keys in the harness's own <c>dev.botbottle.</c> and Testcontainers' <c>org.testcontainers</c>
    /// prefixes are refused: the reaper, the sweep and Ryuk act on those.
    /// </summary>
    public BottleBuilder WithLabel(string key, string value) => With(_spec.WithLabel(key, value));

    /// <summary>
    /// Keeps what a failed launch created, for debugging, instead of tearing it down: for <paramref name="keepFor"/> (an hour
    /// by default) neither the reaper nor the next launch's sweep removes it; after that the sweep does. The
    /// <see cref="BottleLaunchException"/> says what was kept and the command that removes it by hand. The environment
    /// variable <c>BOTBOTTLE_KEEP_ON_FAILURE</c> (<c>1</c>, or a duration such as <c>00:30:00</c>) does the same for every bottle.
    /// </summary>
    public BottleBuilder WithKeepOnFailure(TimeSpan? keepFor = null)
    {
        var keep = keepFor ?? BottleLabels.DefaultKeep;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(keep, TimeSpan.Zero, nameof(keepFor));
        return With(_spec with { KeepOnFailure = keep });
    }

    /// <summary>The backend, configured with its options and logger.</summary>
    public BottleBuilder WithBackend(BottleBackend backend) => new(_spec, backend ?? throw new ArgumentNullException(nameof(backend)));

    /// <summary>
    /// Places a service container you built with Testcontainers (started first, on the same engine) behind the
    /// bundle: it joins a network only the bundle shares, under <paramref name="hostname"/>, which is allow-listed
    /// (CONNECT to <paramref name="port"/> included). The agent reaches it through the proxy, never directly.
    /// </summary>
    public BottleBuilder WithUpstream(IContainer container, string hostname, int port)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentException.ThrowIfNullOrWhiteSpace(hostname);
        return With(_spec with { Upstreams = [.. _spec.Upstreams, new UpstreamService(Engine.ForeignContainer.Of(container), hostname, port)] });
    }

    /// <summary>Validates the configuration (every problem named at once) and returns the bottle, not yet started.</summary>
    public IBottle Build() => new Bottle(Backend, _spec.Validate());

    private BottleBuilder With(BottleSpec spec) => new(spec, _backend);
}
