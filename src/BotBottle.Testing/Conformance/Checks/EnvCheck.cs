using System.Text.RegularExpressions;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>
/// A variable as the agent process sees it: the bottle's own agent start path (user switch, env,
/// workdir wrapper) is run with <c>env</c> in the agent's place, so whatever the image does on that
/// path (a login profile that resets variables, say) shows.
/// </summary>
internal sealed record EnvCheck : ConformanceCheck
{
    /// <inheritdoc />
    public override string Kind => "env";

    /// <summary>The variable's name.</summary>
    public required string Name { get; init; }

    /// <summary>Must be set (true) or must not be (false); null when only <see cref="Matches"/> is given.</summary>
    public bool? Present { get; init; }

    /// <summary>Patterns the value must match (implies present).</summary>
    public IReadOnlyList<Regex> Matches { get; init; } = [];

    /// <inheritdoc />
    public override async Task<CheckOutcome> EvaluateAsync(ConformanceContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var env = await context.AgentEnvironmentAsync(cancellationToken).ConfigureAwait(false);
        var names = string.Join(", ", env.Keys.Order(StringComparer.Ordinal));
        if (!env.TryGetValue(Name, out var value))
        {
            return Present == false
                ? CheckOutcome.Pass($"{Name} is not set for the agent, as required")
                : CheckOutcome.Fail($"{Name} does not reach the agent process (the exec had it; something on the agent's start path drops it)", "agent env names: " + names);
        }

        if (Present == false)
        {
            return CheckOutcome.Fail($"{Name} is set for the agent but must not be", $"{Name} is set");
        }

        var misses = PatternList.Misses(Matches, value);
        var shown = BotBottle.Testing.Diagnostics.SecretRedactor.IsSecretKey(Name) ? "(value hidden)" : value;
        return misses.Count == 0
            ? CheckOutcome.Pass($"{Name} reaches the agent as required", $"{Name}={shown}")
            : CheckOutcome.Fail($"{Name}={shown} for the agent does not match {PatternList.Describe(misses)}", $"{Name}={shown}");
    }
}
