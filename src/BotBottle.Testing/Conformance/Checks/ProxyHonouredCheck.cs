using System.Globalization;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Checks;
using BotBottle.Testing.Diagnostics;
using BotBottle.Testing.Guest;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>
/// The agent's HTTPS client honours HTTPS_PROXY: an HTTPS request as the agent user for a unique,
/// never-resolvable name must show up in the bundle proxy's log. Nothing leaves the bottle: the proxy
/// denies the name (it is on no allowlist) and the agent has no other way out.
/// </summary>
internal sealed record ProxyHonouredCheck : ConformanceCheck
{
    /// <summary>The kind: section <c>proxy</c> (a mapping; the check is declared by <c>honoured: true</c>), code BBT0206, in the bottle.</summary>
    public static CheckKind Definition { get; } = new() { Name = "proxy", Code = new(206), Section = "proxy", Reads = Read };

    /// <inheritdoc />
    public override CheckKind Kind => Definition;

    /// <summary>The proxy's log file in the bundle.</summary>
    public string ProxyLog { get; init; } = "/var/log/bundle/proxy.log";

    /// <summary>How long the request may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <inheritdoc />
    public override async Task<Finding> EvaluateAsync(ConformanceContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var marker = "bbt-" + Guid.NewGuid().ToString("N")[..12] + ".conformance.invalid";
        var seconds = Math.Max(1, (int)Timeout.TotalSeconds - 2).ToString(CultureInfo.InvariantCulture);
        var request = await context.ExecAsync($"curl -sS -o /dev/null --max-time {seconds} https://{marker}/", GuestUsers.Agent, Timeout, cancellationToken).ConfigureAwait(false);
        var seen = await context.Bottle.ExecInBundleAsync($"grep -F -- {ShellQuoting.Quote(marker)} {ShellQuoting.Quote(ProxyLog)}", cancellationToken).ConfigureAwait(false);
        var evidence = $"agent: curl exit {request.ExitCode} {PatternList.Excerpt(request.Stderr, 200)}\nproxy log: {PatternList.Excerpt(seen.Stdout, 300)}";
        if (request.ExitCode == 127)
        {
            return Finding.Fail("curl is missing in the bottle, so the proxy path cannot be exercised", evidence);
        }

        return seen.ExitCode == 0
            ? Finding.Pass("the proxy saw the agent's HTTPS request", evidence)
            : Finding.Fail($"the agent's HTTPS request for {marker} never reached the bundle proxy: HTTPS_PROXY is not honoured (or not set) for the agent user", evidence);
    }

    private static IReadOnlyList<ConformanceCheck> Read(SpecSection section)
    {
        if (section.Entry(section.Node, "proxy", ["honoured", "log", "timeout"], ["honoured"]) is not { } proxy || proxy.Bool("honoured", "proxy.honoured") != true)
        {
            return [];
        }

        var check = new ProxyHonouredCheck { Id = "proxy.honoured", Title = "The agent user's HTTPS requests go through the bundle proxy (HTTPS_PROXY honoured)" };
        return [proxy.Complete(check with { ProxyLog = proxy.String("log", "proxy.log") ?? check.ProxyLog, Timeout = proxy.Duration("timeout", "proxy.timeout") ?? check.Timeout })];
    }
}
