using System.Text.RegularExpressions;

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
}
