using BotBottle.Testing.Bottles;
using BotBottle.Testing.Checks;
using BotBottle.Testing.Diagnostics;
using BotBottle.Testing.Guest;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>The agent command is on the agent user's PATH in the bottle.</summary>
internal sealed record AgentPresentCheck : ConformanceCheck
{
    /// <inheritdoc />
    public override CheckKind Kind => AgentKind.Definition;

    /// <inheritdoc />
    public override async Task<Finding> EvaluateAsync(ConformanceContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var command = context.Agent.Command[0];
        var result = await context.ExecAsync("command -v " + ShellQuoting.Quote(command) + " && echo \"PATH=$PATH\"", GuestUsers.Agent, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0
            ? Finding.Pass($"{command} is at {result.Stdout.Split('\n')[0].Trim()}", result.Stdout.Trim())
            : Finding.Fail($"the agent command '{command}' is not on {GuestUsers.Agent}'s PATH", $"exit {result.ExitCode}; {PatternList.Excerpt(result.Stderr)}");
    }
}
