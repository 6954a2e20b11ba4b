using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>How the spec's agent is started and what it must answer.</summary>
internal sealed record AgentSettings
{
    /// <summary>The agent command (argv head), e.g. <c>["claude"]</c>.</summary>
    public IReadOnlyList<string> Command { get; init; } = ["claude"];

    /// <summary>The directory the agent starts in (the runner creates it, owned by the agent user).</summary>
    public string? Workdir { get; init; }

    /// <summary>Patterns <c>--version</c> output must match (empty: the version check is not in the spec).</summary>
    public IReadOnlyList<Regex> Version { get; init; } = [];

    /// <summary>The flag the agent must refuse as root (null: the refusal check is not in the spec).</summary>
    public string? BypassFlag { get; init; }

    /// <summary>Patterns the refusal's output must match.</summary>
    public IReadOnlyList<Regex> RefusalPatterns { get; init; } = [];

    /// <summary>Limit for each agent run.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The settings the spec's <c>agent</c> section gives, these defaults for the rest; every mistake goes to <paramref name="reader"/>.</summary>
    public static AgentSettings Read(SpecReader reader, YamlNode node)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var settings = new AgentSettings();
        if (reader.Mapping(node, "agent") is not { } map)
        {
            return settings;
        }

        var f = reader.Fields(map, "agent", ["command", "workdir", "version", "bypass-flag", "refuses-as-root", "timeout"], "command");
        if (f.TryGetValue("command", out var command))
        {
            settings = settings with { Command = reader.Strings(command, "agent.command") is { Count: > 0 } c ? c : settings.Command };
        }

        if (f.TryGetValue("workdir", out var workdir))
        {
            settings = settings with { Workdir = reader.String(workdir, "agent.workdir") };
        }

        if (f.TryGetValue("version", out var version))
        {
            settings = settings with { Version = reader.Patterns(version, "agent.version") };
        }

        if (f.TryGetValue("bypass-flag", out var flag))
        {
            settings = settings with { BypassFlag = reader.String(flag, "agent.bypass-flag") };
        }

        if (f.TryGetValue("refuses-as-root", out var refusal))
        {
            settings = settings with { RefusalPatterns = reader.Patterns(refusal, "agent.refuses-as-root") };
        }

        if (f.ContainsKey("bypass-flag") != f.ContainsKey("refuses-as-root"))
        {
            reader.Error(map, "agent.bypass-flag and agent.refuses-as-root go together: the flag to try as root and what the refusal says");
        }

        if (f.TryGetValue("timeout", out var timeout) && reader.Duration(timeout, "agent.timeout") is { } t)
        {
            settings = settings with { Timeout = t };
        }

        return settings;
    }
}
