using BotBottle.Testing.Checks;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>The agent answers <c>--version</c> through the bottle's own agent start path (as the agent user), matching the spec.</summary>
internal sealed record AgentVersionCheck : ConformanceCheck
{
    /// <inheritdoc />
    public override CheckKind Kind => AgentKind.Definition;

    /// <inheritdoc />
    public override async Task<Finding> EvaluateAsync(ConformanceContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var agent = context.Agent;
        var result = await context.RunAgentAsync(agent.Command, ["--version"], agent.Timeout, cancellationToken).ConfigureAwait(false);
        var evidence = $"exit {result.ExitCode}\nstdout: {PatternList.Excerpt(result.Stdout)}\nstderr: {PatternList.Excerpt(result.Stderr)}";
        if (result.TimedOut)
        {
            return Finding.Fail($"{string.Join(' ', agent.Command)} --version did not answer within {agent.Timeout.TotalSeconds:0} s", evidence);
        }

        if (result.ExitCode != 0)
        {
            return Finding.Fail($"{string.Join(' ', agent.Command)} --version exited {result.ExitCode} when started the way a bottle starts the agent", evidence);
        }

        var misses = PatternList.Misses(agent.Version, result.Stdout);
        return misses.Count == 0
            ? Finding.Pass($"the agent runs as the agent user and reports {result.Stdout.Trim()}", evidence)
            : Finding.Fail($"the agent's version '{result.Stdout.Trim()}' does not match {PatternList.Describe(misses)}", evidence);
    }
}
