using System.Text.RegularExpressions;
using BotBottle.Testing.Checks;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>
/// A variable as the agent process sees it: the bottle's own agent start path (user switch, env,
/// workdir wrapper) is run with <c>env</c> in the agent's place, so whatever the image does on that
/// path (a login profile that resets variables, say) shows.
/// </summary>
internal sealed record EnvCheck : ConformanceCheck
{
    /// <summary>The kind: section <c>env</c>, code BBT0204, read in the bottle.</summary>
    public static CheckKind Definition { get; } = new()
    {
        Name = "env",
        Code = new(204),
        Section = "env",
        Reads = CheckKind.Entries("an env entry", ["name", "present", "matches"], ["name"], Read),
    };

    /// <inheritdoc />
    public override CheckKind Kind => Definition;

    /// <summary>The variable's name.</summary>
    public required string Name { get; init; }

    /// <summary>Must be set (true) or must not be (false); null when only <see cref="Matches"/> is given.</summary>
    public bool? Present { get; init; }

    /// <summary>Patterns the value must match (implies present).</summary>
    public IReadOnlyList<Regex> Matches { get; init; } = [];

    /// <inheritdoc />
    public override async Task<Finding> EvaluateAsync(ConformanceContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var env = await context.AgentEnvironmentAsync(cancellationToken).ConfigureAwait(false);
        var names = string.Join(", ", env.Keys.Order(StringComparer.Ordinal));
        if (!env.TryGetValue(Name, out var value))
        {
            return Present == false
                ? Finding.Pass($"{Name} is not set for the agent, as required")
                : Finding.Fail($"{Name} does not reach the agent process (the exec had it; something on the agent's start path drops it)", "agent env names: " + names);
        }

        if (Present == false)
        {
            return Finding.Fail($"{Name} is set for the agent but must not be", $"{Name} is set");
        }

        var misses = PatternList.Misses(Matches, value);
        var shown = BotBottle.Testing.Diagnostics.SecretRedactor.IsSecretKey(Name) ? "(value hidden)" : value;
        return misses.Count == 0
            ? Finding.Pass($"{Name} reaches the agent as required", $"{Name}={shown}")
            : Finding.Fail($"{Name}={shown} for the agent does not match {PatternList.Describe(misses)}", $"{Name}={shown}");
    }

    private static ConformanceCheck? Read(SpecEntry entry)
    {
        if (entry.String("name", "an env entry's name") is not { } name)
        {
            return null;
        }

        var present = entry.Bool("present");
        var matches = entry.Patterns("matches");
        if (present is null && !entry.Has("matches"))
        {
            entry.Error($"the env entry for {name} checks nothing: give 'present: true/false' or 'matches'");
        }

        if (present == false && matches.Count > 0)
        {
            entry.Error($"the env entry for {name} says 'present: false' and gives patterns its value must match");
        }

        return new EnvCheck
        {
            Id = "env." + name,
            Title = present == false ? $"{name} does not reach the agent" : $"{name} reaches the agent process" + (matches.Count > 0 ? " with a matching value" : ""),
            Name = name,
            Present = present,
            Matches = matches,
        };
    }
}
