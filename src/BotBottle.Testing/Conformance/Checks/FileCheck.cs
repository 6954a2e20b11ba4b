using System.Text.RegularExpressions;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Checks;
using BotBottle.Testing.Diagnostics;
using BotBottle.Testing.Guest;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>A path exists (or not), with the given mode and owner, and content matching patterns.</summary>
internal sealed record FileCheck : ConformanceCheck
{
    /// <summary>The kind: section <c>files</c>, code BBT0202, read from the image as shipped unless an entry gives <c>stage</c>.</summary>
    public static CheckKind Definition { get; } = new()
    {
        Name = "file",
        Code = new(202),
        Stage = CheckStage.Image,
        Section = "files",
        Reads = CheckKind.Entries("a file", ["path", "stage", "exists", "mode", "owner", "content"], ["path"], Read),
    };

    /// <inheritdoc />
    public override CheckKind Kind => Definition;

    private const string Absent = "BBT-ABSENT";
    private const string ContentMarker = "BBT-CONTENT";

    /// <summary>The guest path.</summary>
    public required string Path { get; init; }

    /// <summary>Whether it must exist (true) or must not (false).</summary>
    public bool Exists { get; init; } = true;

    /// <summary>The octal permission bits it must have (e.g. <c>600</c>), when given.</summary>
    public string? Mode { get; init; }

    /// <summary>The owner (name or uid) it must have, when given.</summary>
    public string? Owner { get; init; }

    /// <summary>Patterns the file's first 64 KiB must match.</summary>
    public IReadOnlyList<Regex> Content { get; init; } = [];

    /// <inheritdoc />
    public override async Task<Finding> EvaluateAsync(ConformanceContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = ShellQuoting.Quote(Path);
        var script = $"if [ -e {path} ] || [ -L {path} ]; then stat -c '%a|%U|%u|%F' {path}; " +
            (Content.Count > 0 ? $"echo {ContentMarker}; head -c 65536 {path}; " : "") +
            $"else echo {Absent}; fi";
        var result = await context.ExecAsync(script, GuestUsers.Root, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            return Finding.Fail($"could not inspect {Path} (exit {result.ExitCode})", result.Stderr);
        }

        var output = result.Stdout;
        if (output.StartsWith(Absent, StringComparison.Ordinal))
        {
            return Exists ? Finding.Fail($"{Path} does not exist") : Finding.Pass($"{Path} does not exist, as required");
        }

        var statLine = output.Split('\n')[0];
        if (!Exists)
        {
            return Finding.Fail($"{Path} exists but must not ({statLine})", statLine);
        }

        var stat = statLine.Split('|');
        var problems = new List<string>();
        if (Mode is { } mode && stat[0].TrimStart('0') != mode.TrimStart('0'))
        {
            problems.Add($"mode is {stat[0]}, not {mode}");
        }

        if (Owner is { } owner && stat.Length > 2 && stat[1] != owner && stat[2] != owner)
        {
            problems.Add($"owned by {stat[1]} (uid {stat[2]}), not {owner}");
        }

        if (Content.Count > 0)
        {
            var at = output.IndexOf(ContentMarker + "\n", StringComparison.Ordinal);
            var content = at < 0 ? "" : output[(at + ContentMarker.Length + 1)..];
            var misses = PatternList.Misses(Content, content);
            if (misses.Count > 0)
            {
                problems.Add($"content does not match {PatternList.Describe(misses)}");
            }
        }

        return problems.Count == 0
            ? Finding.Pass($"{Path} is as required", statLine)
            : Finding.Fail($"{Path}: {string.Join("; ", problems)}", statLine);
    }

    private static ConformanceCheck? Read(SpecEntry entry)
    {
        if (entry.String("path", "a file's path") is not { } path)
        {
            return null;
        }

        var check = new FileCheck { Id = "file." + path, Title = "", Path = path, Owner = entry.String("owner"), Content = entry.Patterns("content") };
        check = check with { Exists = entry.Bool("exists") ?? check.Exists, Mode = ReadMode(entry) };
        return check with { Title = check.Exists ? $"{path} exists" + entry.Describe("mode", "owner") : $"{path} does not exist" };
    }

    private static string? ReadMode(SpecEntry entry)
    {
        var text = entry.String("mode");
        if (text is not null && (text.Length is < 3 or > 4 || text.Any(ch => ch is < '0' or > '7')))
        {
            entry.Error("mode", $"mode '{text}' must be octal permission bits such as \"0600\" or \"755\" (quote it, or YAML may read it as a number)");
            return null;
        }

        return text;
    }
}
