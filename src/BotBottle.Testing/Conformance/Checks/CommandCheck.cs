using System.Globalization;
using System.Text.RegularExpressions;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Checks;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>A shell command run as a user finishes in time with the expected exit code and output.</summary>
internal sealed record CommandCheck : ConformanceCheck
{
    /// <summary>The kind: section <c>commands</c>, code BBT0203, run in the bottle unless an entry gives <c>stage</c>.</summary>
    public static CheckKind Definition { get; } = new()
    {
        Name = "command",
        Code = new(203),
        Section = "commands",
        Reads = CheckKind.Entries("a command", ["run", "user", "stage", "exit", "stdout", "stderr", "timeout"], ["id", "run"], Read),
    };

    /// <inheritdoc />
    public override CheckKind Kind => Definition;

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
    public override async Task<Finding> EvaluateAsync(ConformanceContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await context.ExecAsync(Run, User, Timeout, cancellationToken).ConfigureAwait(false);
        var evidence = $"exit {result.ExitCode} in {result.Elapsed.TotalMilliseconds:0} ms\nstdout: {PatternList.Excerpt(result.Stdout)}\nstderr: {PatternList.Excerpt(result.Stderr)}";
        if (result.TimedOut)
        {
            return Finding.Fail($"`{Run}` as {User} did not finish within {Seconds(Timeout)} s", evidence);
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
            ? Finding.Pass($"`{Run}` as {User} behaved as required", evidence)
            : Finding.Fail($"`{Run}` as {User}: {string.Join("; ", problems)}", evidence);
    }

    private static ConformanceCheck? Read(SpecEntry entry)
    {
        if (entry.String("id", "a command's id") is not { } id || entry.String("run") is not { } run)
        {
            return null;
        }

        var check = new CommandCheck { Id = "command." + id, Title = id, Run = run, Stdout = entry.Patterns("stdout"), Stderr = entry.Patterns("stderr") };
        return check with
        {
            User = entry.String("user") ?? check.User,
            ExitCode = entry.Int("exit") ?? check.ExitCode,
            Timeout = entry.Duration("timeout") ?? check.Timeout,
        };
    }


    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
}
