using BotBottle.Testing.Checks;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>
/// The kind of the checks of the spec's agent (section <c>agent</c>, code BBT0205, bottle stage): it is on the agent
/// user's PATH, reports a matching version, and refuses the bypass flag as root. The section itself is the spec's
/// <see cref="AgentSettings"/> (read once, by the driver); the kind declares the checks they ask for.
/// </summary>
internal static class AgentKind
{
    /// <summary>The kind.</summary>
    public static CheckKind Definition { get; } = new() { Name = "agent", Code = new(205), Section = "agent", Reads = Read };

    private static List<ConformanceCheck> Read(SpecSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var agent = section.Agent;
        var location = section.Location;
        var checks = new List<ConformanceCheck> { new AgentPresentCheck { Id = "agent.present", Title = $"The agent command '{agent.Command[0]}' is on the agent user's PATH", Location = location } };
        if (agent.Version.Count > 0)
        {
            checks.Add(new AgentVersionCheck { Id = "agent.version", Title = "The agent runs as the agent user, started the way a bottle starts it, and reports a matching version", Needs = ["agent.present"], Location = location });
        }

        if (agent.BypassFlag is not null)
        {
            checks.Add(new AgentRefusesBypassCheck { Id = "agent.refuses-bypass-as-root", Title = $"As root, the agent refuses {agent.BypassFlag}", Needs = ["agent.present"], Location = location });
        }

        return checks;
    }
}
