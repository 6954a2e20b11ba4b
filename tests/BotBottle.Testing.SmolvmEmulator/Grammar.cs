using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BotBottle.Testing.SmolvmEmulator;

/// <summary>
/// The command-line grammar of one smolvm release: for each command, the options, positionals and
/// trailing command the release's clap structs declare (Grammar/smolvm-X.Y.Z.json, read in its source at
/// the tag, with the line of each declaration). Arguments are parsed the way clap parses them, and a
/// usage error is reported as clap reports one: <c>error: …</c>, the usage line, exit 2.
/// </summary>
internal sealed class Grammar
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    public required string Version { get; init; }

    public required Dictionary<string, CommandGrammar> Commands { get; init; }

    /// <summary>The releases whose grammar is known.</summary>
    public static IReadOnlyList<string> Known { get; } =
        typeof(Grammar).Assembly.GetManifestResourceNames().Where(n => n.StartsWith("Grammar.smolvm-", StringComparison.Ordinal))
            .Select(n => n["Grammar.smolvm-".Length..^".json".Length]).Order(StringComparer.Ordinal).ToList();

    public static Grammar Load(string version)
    {
        using var stream = typeof(Grammar).Assembly.GetManifestResourceStream($"Grammar.smolvm-{version}.json")
            ?? throw new UsageException($"the emulator knows no grammar for smolvm {version} (known: {string.Join(", ", Known)})", 2);
        var table = JsonSerializer.Deserialize<GrammarFile>(stream, Json)!;
        return new Grammar { Version = table.Version, Commands = table.Commands };
    }

    /// <summary>Parses the argv of <paramref name="command"/> (the words after <c>smolvm machine exec</c>, say).</summary>
    public ParsedArgs Parse(string command, IReadOnlyList<string> args)
    {
        var grammar = Commands.TryGetValue(command, out var g) ? g : throw new UsageException($"error: unrecognized subcommand '{command.Split(' ').Last()}'\n\nUsage: smolvm {command.Split(' ')[0]} <COMMAND>\n\nFor more information, try '--help'.", 2);
        var parsed = new ParsedArgs(grammar);
        var positionals = new List<string>();
        var i = 0;
        for (; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                i++;
                break;
            }

            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                var eq = arg.IndexOf('=', StringComparison.Ordinal);
                var name = eq > 0 ? arg[2..eq] : arg[2..];
                var option = grammar.Options.FirstOrDefault(o => o.Long == name) ?? throw Unexpected(grammar, command, arg);
                i = Take(parsed, grammar, command, option, args, i, eq > 0 ? arg[(eq + 1)..] : null);
                continue;
            }

            if (arg.StartsWith('-') && arg.Length > 1 && !(grammar.Trailing is { Kind: "varArg" } && positionals.Count >= grammar.Positionals.Count && parsed.StartedTrailing))
            {
                // -x, -xVALUE, or several short flags together (-it).
                for (var c = 1; c < arg.Length; c++)
                {
                    var option = grammar.Options.FirstOrDefault(o => o.Short == arg[c].ToString() || o.ShortAlias == arg[c].ToString()) ?? throw Unexpected(grammar, command, "-" + arg[c]);
                    if (option.Kind == "value")
                    {
                        i = Take(parsed, grammar, command, option, args, i, c + 1 < arg.Length ? arg[(c + 1)..] : null);
                        break;
                    }

                    i = Take(parsed, grammar, command, option, args, i, null);
                }

                continue;
            }

            if (positionals.Count < grammar.Positionals.Count)
            {
                positionals.Add(arg);
                continue;
            }

            if (grammar.Trailing is { Kind: "varArg" })
            {
                // trailing_var_arg: the first value starts the command, and everything after it is the command's.
                parsed.StartedTrailing = true;
                break;
            }

            throw Unexpected(grammar, command, arg);
        }

        var rest = args.Skip(i).ToList();
        if (rest.Count > 0 && grammar.Trailing is null)
        {
            foreach (var extra in rest)
            {
                if (positionals.Count < grammar.Positionals.Count)
                {
                    positionals.Add(extra);
                }
                else
                {
                    throw Unexpected(grammar, command, extra);
                }
            }

            rest = [];
        }

        parsed.Trailing = rest;
        for (var p = 0; p < grammar.Positionals.Count; p++)
        {
            if (p < positionals.Count)
            {
                parsed.Positionals[grammar.Positionals[p].Name] = positionals[p];
            }
        }

        var missing = grammar.Positionals.Where(p => p.Required && !parsed.Positionals.ContainsKey(p.Name)).Select(p => $"<{p.Name}>").ToList();
        if (grammar.Trailing is { Required: true } && rest.Count == 0)
        {
            missing.Add($"<{grammar.Trailing.Name}>...");
        }

        if (missing.Count > 0)
        {
            throw new UsageException($"error: the following required arguments were not provided:\n{string.Concat(missing.Select(m => "  " + m + "\n"))}\n{Usage(grammar, command)}\n\nFor more information, try '--help'.", 2);
        }

        foreach (var option in grammar.Options.Where(o => parsed.Has(o.Long ?? "") && o.ConflictsWith is not null))
        {
            foreach (var other in option.ConflictsWith!.Select(f => grammar.Options.FirstOrDefault(o => (o.Long ?? "").Replace('-', '_') == f)).OfType<OptionGrammar>())
            {
                if (parsed.Has(other.Long!))
                {
                    throw new UsageException($"error: the argument '{Display(option)}' cannot be used with '{Display(other)}'\n\n{Usage(grammar, command)}\n\nFor more information, try '--help'.", 2);
                }
            }
        }

        return parsed;
    }

    private static int Take(ParsedArgs parsed, CommandGrammar grammar, string command, OptionGrammar option, IReadOnlyList<string> args, int i, string? inline)
    {
        var key = option.Long ?? option.Short!;
        if (option.Kind == "flag")
        {
            if (inline is not null)
            {
                throw new UsageException($"error: unexpected value '{inline}' for '{Display(option)}' found; no more were expected\n\n{Usage(grammar, command)}\n\nFor more information, try '--help'.", 2);
            }

            parsed.Flags.Add(key);
            return i;
        }

        var value = inline;
        if (value is null)
        {
            if (i + 1 >= args.Count)
            {
                throw new UsageException($"error: a value is required for '{Display(option)}' but none was supplied\n\nFor more information, try '--help'.", 2);
            }

            value = args[++i];
        }

        Validate(grammar, command, option, value);
        if (!parsed.Values.TryGetValue(key, out var list))
        {
            parsed.Values[key] = list = [];
        }
        else if (!option.Multiple)
        {
            throw new UsageException($"error: the argument '{Display(option)}' cannot be used multiple times\n\n{Usage(grammar, command)}\n\nFor more information, try '--help'.", 2);
        }

        list.Add(value);
        return i;
    }

    private static void Validate(CommandGrammar grammar, string command, OptionGrammar option, string value)
    {
        string? problem = option.ValueType switch
        {
            "u8" => byte.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? null : Digits(value, 255),
            "u32" => uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? null : Digits(value, uint.MaxValue),
            "u64" => ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? null : Digits(value, ulong.MaxValue),
            "Duration" => Durations.TryParse(value, out var d) ? (d == TimeSpan.Zero && option.Long == "timeout" ? "timeout must be greater than zero" : null) : $"expected a duration like 30s or 5m, got '{value}'",
            _ => null,
        };
        if (problem is not null)
        {
            throw new UsageException($"error: invalid value '{value}' for '{Display(option)}': {problem}\n\nFor more information, try '--help'.", 2);
        }
    }

    private static string Digits(string value, ulong max) =>
        value.Length == 0 ? "cannot parse integer from empty string" : value.All(char.IsAsciiDigit) ? $"{value} is not in 0..={max}" : "invalid digit found in string";

    private static UsageException Unexpected(CommandGrammar grammar, string command, string arg)
    {
        var tip = arg.StartsWith('-') ? $"\n\n  tip: to pass '{arg}' as a value, use '-- {arg}'" : "";
        return new UsageException($"error: unexpected argument '{arg}' found{tip}\n\n{Usage(grammar, command)}\n\nFor more information, try '--help'.", 2);
    }

    private static string Display(OptionGrammar option) =>
        (option.Long is { } l ? "--" + l : "-" + option.Short) + (option.Kind == "value" ? $" <{option.ValueName}>" : "");

    private static string Usage(CommandGrammar grammar, string command)
    {
        var usage = $"Usage: smolvm {command} [OPTIONS]";
        foreach (var p in grammar.Positionals)
        {
            usage += p.Required ? $" <{p.Name}>" : $" [{p.Name}]";
        }

        if (grammar.Trailing is { } t)
        {
            usage += t.Kind == "last" ? $" [-- <{t.Name}>...]" : t.Required ? $" <{t.Name}>..." : $" [{t.Name}]...";
        }

        return usage;
    }

    private sealed record GrammarFile(string Version, Dictionary<string, CommandGrammar> Commands);
}

internal sealed record CommandGrammar(string Source, List<OptionGrammar> Options, List<PositionalGrammar> Positionals, TrailingGrammar? Trailing);

internal sealed record OptionGrammar(string? Long, string? Short, string Kind, bool Multiple, string ValueName, string ValueType, string Source)
{
    public string? ShortAlias { get; init; }

    public List<string>? ConflictsWith { get; init; }
}

internal sealed record PositionalGrammar(string Name, bool Required, string Source);

internal sealed record TrailingGrammar(string Name, string Kind, bool Required, string Source);

/// <summary>What one command line said.</summary>
internal sealed class ParsedArgs(CommandGrammar grammar)
{
    public CommandGrammar Grammar { get; } = grammar;

    public HashSet<string> Flags { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, List<string>> Values { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Positionals { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Trailing { get; set; } = [];

    public bool StartedTrailing { get; set; }

    public bool Has(string name) => Flags.Contains(name) || Values.ContainsKey(name);

    public string? Value(string name) => Values.TryGetValue(name, out var list) ? list[^1] : null;

    public IReadOnlyList<string> All(string name) => Values.TryGetValue(name, out var list) ? list : [];
}

/// <summary>A clap usage error (exit 2) or a smolvm error (exit 1), with its exact text.</summary>
internal sealed class UsageException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>humantime durations (<c>30s</c>, <c>5m</c>, <c>1h 30m</c>, <c>250ms</c>), as clap's value parser reads <c>--timeout</c>.</summary>
internal static class Durations
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var parts = System.Text.RegularExpressions.Regex.Matches(text.Replace(" ", "", StringComparison.Ordinal), @"(\d+)(ms|s|sec|m|min|h|hr|d)");
        if (parts.Count == 0 || string.Concat(parts.Select(p => p.Value)) != text.Replace(" ", "", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (System.Text.RegularExpressions.Match part in parts)
        {
            var n = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            duration += part.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" or "sec" => TimeSpan.FromSeconds(n),
                "m" or "min" => TimeSpan.FromMinutes(n),
                "h" or "hr" => TimeSpan.FromHours(n),
                _ => TimeSpan.FromDays(n),
            };
        }

        return true;
    }
}
