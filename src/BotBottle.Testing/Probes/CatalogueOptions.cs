using BotBottle.Testing.Bottles;

namespace BotBottle.Testing.Probes;

/// <summary>What the isolation catalogue needs to know about the bundle and the agent beyond the targets.</summary>
public sealed partial record CatalogueOptions
{
    /// <summary>The reference bundle's loopback-only daemons: egress (9099, <c>BBT0102</c>) and supervise (9100, <c>BBT0103</c>).</summary>
    public static IReadOnlyList<LoopbackDaemon> ReferenceLoopbackDaemons { get; } =
    [
        new("egress", 9099, CatalogueCode.Of("BBT0102")),
        new("supervise", 9100, CatalogueCode.Of("BBT0103")),
    ];

    /// <summary>
    /// Bundle daemons that must listen on the bundle's 127.0.0.1 only, each with its bypass check's code (one of
    /// <c>BBT0180</c>–<c>BBT0198</c> for a daemon of your own), in the order their checks run.
    /// </summary>
    public IReadOnlyList<LoopbackDaemon> LoopbackDaemons { get; init; } = ReferenceLoopbackDaemons;

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

    /// <summary>
    /// These options with <paramref name="daemons"/> declared too (one of the same name replaces the declared one in its
    /// place; the first of two of one name wins here, and <see cref="IsolationCatalogue.DaemonsProblem"/> refuses them).
    /// </summary>
    internal CatalogueOptions WithDaemons(IEnumerable<LoopbackDaemon> daemons)
    {
        var added = daemons.DistinctBy(d => d.Name, StringComparer.Ordinal).ToList();
        if (added.Count == 0)
        {
            return this;
        }

        var byName = added.ToDictionary(d => d.Name, StringComparer.Ordinal);
        return this with
        {
            LoopbackDaemons = [.. LoopbackDaemons.Select(d => byName.GetValueOrDefault(d.Name, d)), .. added.Where(d => LoopbackDaemons.All(o => o.Name != d.Name))],
        };
    }
}
