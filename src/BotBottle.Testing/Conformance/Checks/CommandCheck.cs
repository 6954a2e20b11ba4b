using System.Globalization;
using System.Text.RegularExpressions;
using BotBottle.Testing.Bottles;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>A shell command run as a user finishes in time with the expected exit code and output.</summary>
internal sealed record CommandCheck : ConformanceCheck
{
    /// <inheritdoc />
    public override string Kind => "command";

    /// <summary>The script (<c>/bin/sh -c</c>).</summary>
    public required string Run { get; init; }

    /// <summary>The user it runs as.</summary>
    public string User { get; init; } = GuestUsers.Agent;

    /// <summary>The exit code it must end with.</summary>
    public int ExitCode { get; init; }

    /// <summary>Patterns stdout must match.</summary>
    public IReadOnlyList<Regex> Stdout { get; init; } = [];

    /// <summary>Patterns stderr must match.</summary>
    public IReadOnlyList<Regex> Stderr { get; init; } = [];

    /// <summary>How long it may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public override async Task<CheckOutcome> EvaluateAsync(ConformanceContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await context.ExecAsync(Run, User, Timeout, cancellationToken).ConfigureAwait(false);
        var evidence = $"exit {result.ExitCode} in {result.Elapsed.TotalMilliseconds:0} ms\nstdout: {PatternList.Excerpt(result.Stdout)}\nstderr: {PatternList.Excerpt(result.Stderr)}";
        if (result.TimedOut)
        {
            return CheckOutcome.Fail($"`{Run}` as {User} did not finish within {Seconds(Timeout)} s", evidence);
        }

        var problems = new List<string>();
        if (result.ExitCode != ExitCode)
        {
            problems.Add($"exited {result.ExitCode}, expected {ExitCode}" + (result.Stderr.Trim().Length > 0 ? $" ({PatternList.Excerpt(result.Stderr, 200)})" : ""));
        }

        if (PatternList.Misses(Stdout, result.Stdout) is { Count: > 0 } outMisses)
        {
            problems.Add($"stdout {PatternList.Excerpt(result.Stdout, 200)} does not match {PatternList.Describe(outMisses)}");
        }

        if (PatternList.Misses(Stderr, result.Stderr) is { Count: > 0 } errMisses)
        {
            problems.Add($"stderr {PatternList.Excerpt(result.Stderr, 200)} does not match {PatternList.Describe(errMisses)}");
        }

        return problems.Count == 0
            ? CheckOutcome.Pass($"`{Run}` as {User} behaved as required", evidence)
            : CheckOutcome.Fail($"`{Run}` as {User}: {string.Join("; ", problems)}", evidence);
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
}
