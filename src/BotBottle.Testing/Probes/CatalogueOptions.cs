using BotBottle.Testing.Bottles;

namespace BotBottle.Testing.Probes;

/// <summary>What the isolation catalogue needs to know about the bundle and the agent beyond the targets.</summary>
public sealed record CatalogueOptions
{
    /// <summary>The reference bundle's loopback-only daemons: egress (9099) and supervise (9100).</summary>
    public static IReadOnlyDictionary<string, int> ReferenceLoopbackDaemons { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["egress"] = 9099,
        ["supervise"] = 9100,
    };

    /// <summary>Bundle daemons that must listen on the bundle's 127.0.0.1 only (name → port).</summary>
    public IReadOnlyDictionary<string, int> LoopbackDaemons { get; init; } = ReferenceLoopbackDaemons;

    /// <summary>Env values that are known placeholders, not secrets.</summary>
    public IReadOnlyList<string> SecretPlaceholders { get; init; } = [GuestEnvironment.PlaceholderToken];

    /// <summary>Whether the agent's resolver is the engine's (it then must resolve the bundle's alias: a DNS control).</summary>
    public bool? AgentResolvesPeers { get; init; }

    /// <summary>The bundle's name on the bottle network, resolvable by agents whose resolver is the engine's.</summary>
    public string BundleAlias { get; init; } = "bundle";

    /// <summary>The query log of the bundle's resolver (the reference bundle's dnsmasq), where an agent's lookups must arrive.</summary>
    public string BundleDnsLog { get; init; } = "/var/log/bundle/dns.log";

    /// <summary>The limit of a step that a correct bottle answers with silence (a timeout is a pass there, so it is kept short).</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The limit of a step that a correct bottle answers (connect, proxy answer, lookup): generous, since it ends as soon as the answer comes.</summary>
    public TimeSpan AnswerTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
