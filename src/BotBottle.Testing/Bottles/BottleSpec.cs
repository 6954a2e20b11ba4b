using BotBottle.Testing.Bundles;

namespace BotBottle.Testing.Bottles;

/// <summary>
/// Everything a backend needs to launch a bottle. Immutable: every <c>With…</c> returns a new spec,
/// so one spec can be shared by many tests.
/// </summary>
public sealed record BottleSpec
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

    /// <summary>The agent's system prompt. The prompt file is always provisioned (mode 0600); it is passed to the agent only when non-empty.</summary>
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

    /// <summary>Returns a copy with <paramref name="key"/>=<paramref name="value"/> added to the declared env.</summary>
    public BottleSpec WithEnv(string key, string value)
    {
        GuestEnvironment.ValidateKey(key);
        var env = new Dictionary<string, string>(Env, StringComparer.Ordinal) { [key] = value };
        return this with { Env = env };
    }

    /// <summary>Returns a copy with a skill added.</summary>
    public BottleSpec WithSkill(SkillSource skill) => this with { Skills = [.. Skills, skill] };

    /// <summary>Returns a copy with the given prompt.</summary>
    public BottleSpec WithPrompt(string prompt, PromptMode mode = PromptMode.AppendFile) => this with { Prompt = prompt, PromptMode = mode };
}
