using System.Globalization;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Checks;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>A user exists in <c>/etc/passwd</c> with the given uid, home and shell.</summary>
internal sealed record UserCheck : ConformanceCheck
{
    /// <summary>The kind: section <c>users</c>, code BBT0201, read from the image as shipped.</summary>
    public static CheckKind Definition { get; } = new()
    {
        Name = "user",
        Code = new(201),
        Stage = CheckStage.Image,
        Section = "users",
        Reads = CheckKind.Entries("a user", ["name", "uid", "home", "shell"], ["name"], Read),
    };

    /// <inheritdoc />
    public override CheckKind Kind => Definition;

    /// <summary>The user name.</summary>
    public required string Name { get; init; }

    /// <summary>The uid it must have, when given.</summary>
    public int? Uid { get; init; }

    /// <summary>The home it must have, when given.</summary>
    public string? Home { get; init; }

    /// <summary>The login shell it must have, when given.</summary>
    public string? Shell { get; init; }

    /// <inheritdoc />
    public override async Task<Finding> EvaluateAsync(ConformanceContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await context.ExecAsync("cat /etc/passwd", GuestUsers.Root, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            return Finding.Fail($"could not read /etc/passwd (exit {result.ExitCode})", result.Stderr);
        }

        var entries = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(':')).Where(f => f.Length >= 7).ToList();
        var entry = entries.FirstOrDefault(f => f[0] == Name);
        if (entry is null)
        {
            var people = entries.Where(f => int.TryParse(f[2], CultureInfo.InvariantCulture, out var uid) && (uid == 0 || uid >= 1000)).Select(f => $"{f[0]} ({f[2]})");
            return Finding.Fail($"the image has no user '{Name}'; its users with a login uid are: {string.Join(", ", people)}", result.Stdout);
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
            ? Finding.Pass($"user {Name} exists as required", line)
            : Finding.Fail($"user {Name}: {string.Join("; ", problems)}", line);
    }

    private static ConformanceCheck? Read(SpecEntry entry) => entry.String("name", "a user's name") is not { } name ? null : new UserCheck
    {
        Id = "user." + name,
        Title = $"User {name} exists" + entry.Describe("uid", "home", "shell"),
        Name = name,
        Uid = entry.Int("uid"),
        Home = entry.String("home"),
        Shell = entry.String("shell"),
    };
}
