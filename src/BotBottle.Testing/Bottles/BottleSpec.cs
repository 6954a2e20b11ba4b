using BotBottle.Testing.Diagnostics;



namespace BotBottle.Testing.Bottles;

/// <summary>
/// Everything a backend needs to launch a bottle. Immutable: every <c>With…</c> returns a new spec,
/// so one spec can be shared by many tests.
/// </summary>
internal sealed record BottleSpec
{
    /// <summary>Creates a spec for an agent image wired to the given bundle.</summary>
    public BottleSpec(string agentImage, BundleSpec bundle)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(agentImage);
        ArgumentNullException.ThrowIfNull(bundle);
        AgentImage = agentImage;
        Bundle = bundle;
    }

    /// <summary>The agent image reference (a docker image; smolmachines packs it once and caches the pack).</summary>
    public string AgentImage { get; init; }

    /// <summary>The bundle sidecar: image, daemons and proxy port.</summary>
    public BundleSpec Bundle { get; init; }

    /// <summary>Env the bottle declares for the agent, layered over the standard guest env.</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    /// <summary>The agent's system prompt. The prompt file is always provisioned (mode 0640, root's, group node); it is passed to the agent only when non-empty.</summary>
    public string Prompt { get; init; } = "";

    /// <summary>How the agent is told about the prompt file.</summary>
    public PromptMode PromptMode { get; init; } = PromptMode.AppendFile;

    /// <summary>Skills copied into the agent's skills directory; a missing one fails the launch.</summary>
    public IReadOnlyList<SkillSource> Skills { get; init; } = [];

    /// <summary>The agent command (argv head), e.g. <c>["claude"]</c>.</summary>
    public IReadOnlyList<string> AgentCommand { get; init; } = ["claude"];

    /// <summary>The directory the agent starts in; anything but the agent's home adds a <c>cd</c> wrapper.</summary>
    public string AgentWorkdir { get; init; } = GuestUsers.HomeOf(GuestUsers.Agent);

    /// <summary>Title/colour applied to the terminal during an interactive session.</summary>
    public TerminalStyle Terminal { get; init; } = TerminalStyle.None;

    /// <summary>Optional fixed bottle name; by default a unique name is generated.</summary>
    public string? Name { get; init; }

    /// <summary>Services (Testcontainers containers) the bundle forwards to as allow-listed upstreams.</summary>
    public IReadOnlyList<UpstreamService> Upstreams { get; init; } = [];

    /// <summary>The agent's resource limits (processes, memory, CPU).</summary>
    public AgentLimits Limits { get; init; } = AgentLimits.Default;

    /// <summary>The user's labels, put on every resource of the bottle (never in a harness prefix; see <see cref="BottleLabels"/>).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>How long to keep the bottle's resources when its launch fails (null: unwind them, unless <see cref="BottleLabels.KeepVariable"/> says otherwise).</summary>
    public TimeSpan? KeepOnFailure { get; init; }

    /// <summary>Set at launch for a bottle kept on failure: until when the reaper and the sweep leave its resources alone.</summary>
    public DateTimeOffset? KeepUntil { get; init; }

    /// <summary>The labels every resource of the launch gets beside the harness's own: the user's, and the keep label.</summary>
    public IReadOnlyDictionary<string, string> ResourceLabels => KeepUntil is { } until
        ? new Dictionary<string, string>(Labels, StringComparer.Ordinal) { [BottleLabels.KeepUntil] = BottleLabels.Format(until) }
        : Labels;

    /// <summary>The spec as launched at <paramref name="now"/>: the keep resolved (the builder's, else the environment's) into <see cref="KeepUntil"/>.</summary>
    public BottleSpec ForLaunch(DateTimeOffset now, string? keepVariable) =>
        (KeepOnFailure ?? BottleLabels.KeepFromEnvironment(keepVariable)) is { } keep ? this with { KeepUntil = now + keep } : this;

    /// <summary>Returns a copy with the label <paramref name="key"/>=<paramref name="value"/> on every resource.</summary>
    public BottleSpec WithLabel(string key, string value)
    {
        BottleLabels.ValidateKey(key);
        ArgumentNullException.ThrowIfNull(value);
        return this with { Labels = new Dictionary<string, string>(Labels, StringComparer.Ordinal) { [key] = value } };
    }

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> naming every problem a launch would otherwise meet halfway:
    /// images, env names and values, ports, the name, skills that do not exist, duplicate upstream names.
    /// </summary>
    public BottleSpec Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(AgentImage))
        {
            problems.Add("the agent image is empty");
        }

        if (string.IsNullOrWhiteSpace(Bundle.Image))
        {
            problems.Add("the bundle image is empty");
        }

        if (Bundle.ProxyPort is < 1 or > 65535)
        {
            problems.Add($"the proxy port {Bundle.ProxyPort} is not a TCP port (1-65535)");
        }

        foreach (var host in Bundle.AllowedHosts)
        {
            Check(problems, () => AllowedHostName.Validate(host));
        }

        Check(problems, () => Limits.Validate());

        foreach (var (key, value) in Env)
        {
            Check(problems, () => GuestEnvironment.ValidateKey(key));
            Check(problems, () => GuestEnvironment.ValidateValue(key, value));
        }

        if (Name is { } name)
        {
            Check(problems, () => BottleNames.Validate(name));
        }

        if (AgentCommand.Count == 0)
        {
            problems.Add("the agent command is empty");
        }

        foreach (var skill in Skills.Where(s => !File.Exists(s.HostPath) && !Directory.Exists(s.HostPath)))
        {
            problems.Add($"skill '{skill.GuestName}' does not exist at {skill.HostPath}");
        }

        foreach (var duplicate in Upstreams.GroupBy(u => u.Hostname, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            problems.Add($"two upstreams are named {duplicate.Key}");
        }

        return problems.Count == 0 ? this : throw new ArgumentException("the bottle cannot be launched: " + string.Join("; ", problems));
    }

    /// <summary>Returns a copy with <paramref name="key"/>=<paramref name="value"/> added to the declared env.</summary>
    public BottleSpec WithEnv(string key, string value)
    {
        GuestEnvironment.ValidateKey(key);
        GuestEnvironment.ValidateValue(key, value);
        SecretValues.Register([value]);
        var env = new Dictionary<string, string>(Env, StringComparer.Ordinal) { [key] = value };
        return this with { Env = env };
    }

    /// <summary>Returns a copy with a skill added.</summary>
    public BottleSpec WithSkill(SkillSource skill) => this with { Skills = [.. Skills, skill] };

    /// <summary>Returns a copy with the given prompt.</summary>
    public BottleSpec WithPrompt(string prompt, PromptMode mode = PromptMode.AppendFile) => this with { Prompt = prompt, PromptMode = mode };

    private static void Check(List<string> problems, Action validate)
    {
        try
        {
            validate();
        }
        catch (ArgumentException e)
        {
            problems.Add(e.Message.Split(" (Parameter", 2)[0]);
        }
    }
}

/// <summary>A service container the bundle reaches on an upstream network, under <paramref name="Hostname"/>, allow-listed.</summary>
/// <param name="Container">The user's Testcontainers container (started before the bottle).</param>
/// <param name="Hostname">The name the agent uses for it through the proxy.</param>
/// <param name="Port">The port it serves on (added to the proxy's allowed CONNECT ports).</param>
internal sealed record UpstreamService(Engine.ForeignContainer Container, string Hostname, int Port);
