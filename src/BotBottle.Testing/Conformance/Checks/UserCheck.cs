using System.Globalization;
using BotBottle.Testing.Bottles;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>A user exists in <c>/etc/passwd</c> with the given uid, home and shell.</summary>
internal sealed record UserCheck : ConformanceCheck
{
    /// <inheritdoc />
    public override string Kind => "user";

    /// <summary>The user name.</summary>
    public required string Name { get; init; }

    /// <summary>The uid it must have, when given.</summary>
    public int? Uid { get; init; }

    /// <summary>The home it must have, when given.</summary>
    public string? Home { get; init; }

    /// <summary>The login shell it must have, when given.</summary>
    public string? Shell { get; init; }

    /// <inheritdoc />
    public override async Task<CheckOutcome> EvaluateAsync(ConformanceContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await context.ExecAsync("cat /etc/passwd", GuestUsers.Root, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            return CheckOutcome.Fail($"could not read /etc/passwd (exit {result.ExitCode})", result.Stderr);
        }

        var entries = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(':')).Where(f => f.Length >= 7).ToList();
        var entry = entries.FirstOrDefault(f => f[0] == Name);
        if (entry is null)
        {
            var people = entries.Where(f => int.TryParse(f[2], CultureInfo.InvariantCulture, out var uid) && (uid == 0 || uid >= 1000)).Select(f => $"{f[0]} ({f[2]})");
            return CheckOutcome.Fail($"the image has no user '{Name}'; its users with a login uid are: {string.Join(", ", people)}", result.Stdout);
        }

        var line = string.Join(':', entry);
        var problems = new List<string>();
        if (Uid is { } uidWanted && entry[2] != uidWanted.ToString(CultureInfo.InvariantCulture))
        {
            problems.Add($"uid is {entry[2]}, not {uidWanted}");
        }

        if (Home is { } home && entry[5] != home)
        {
            problems.Add($"home is {entry[5]}, not {home}");
        }

        if (Shell is { } shell && entry[6] != shell)
        {
            problems.Add($"shell is {entry[6]}, not {shell}");
        }

        return problems.Count == 0
            ? CheckOutcome.Pass($"user {Name} exists as required", line)
            : CheckOutcome.Fail($"user {Name}: {string.Join("; ", problems)}", line);
    }
}
