using BotBottle.Testing.Bottles;
using BotBottle.Testing.Checks;
using BotBottle.Testing.Diagnostics;
using BotBottle.Testing.Guest;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>
/// Run as root with the permission-bypass flag, the agent refuses (Claude Code: "cannot be used with
/// root/sudo privileges") — which is why a bottle must run it as the unprivileged user.
/// </summary>
internal sealed record AgentRefusesBypassCheck : ConformanceCheck
{
    /// <inheritdoc />
    public override CheckKind Kind => AgentKind.Definition;

    /// <inheritdoc />
    public override async Task<Finding> EvaluateAsync(ConformanceContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var agent = context.Agent;
        var flag = agent.BypassFlag ?? throw new InvalidOperationException("the spec names no bypass flag");
        var argv = agent.Command.Append(flag).Append("-p").Append("conformance check: answer ok");
        // Without credentials: the refusal does not depend on them, and Claude Code given even a placeholder
        // token retries it for about 18 s before it gets to the root check.
        var script = "env -u CLAUDE_CODE_OAUTH_TOKEN -u ANTHROPIC_API_KEY " + string.Join(' ', argv.Select(ShellQuoting.Quote)) + " </dev/null";
        var result = await context.ExecAsync(script, GuestUsers.Root, agent.Timeout, cancellationToken).ConfigureAwait(false);
        var output = result.Stdout + result.Stderr;
        var evidence = $"exit {result.ExitCode}\noutput: {PatternList.Excerpt(output)}";
        if (result.TimedOut)
        {
            return Finding.Fail($"as root, the agent with {flag} did not refuse within {agent.Timeout.TotalSeconds:0} s (it went on running)", evidence);
        }

        if (result.ExitCode == 0)
        {
            return Finding.Fail($"as root, the agent accepted {flag} (exit 0)", evidence);
        }

        var misses = PatternList.Misses(agent.RefusalPatterns, output);
        return misses.Count == 0
            ? Finding.Pass($"as root, the agent refuses {flag} (exit {result.ExitCode})", evidence)
            : Finding.Fail($"as root, the agent with {flag} exited {result.ExitCode} without the refusal {PatternList.Describe(misses)}", evidence);
    }
}
