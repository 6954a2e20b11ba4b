namespace BotBottle.Testing.Cli;

/// <summary>The parsed command line of <c>botbottle</c>.</summary>
internal sealed record CliArguments
{
    public const string Usage = """
        usage: botbottle [conformance|probes|prerequisites] [options]
          conformance (default)  the built-in bot-bottle spec (or --spec FILE) plus the isolation probes
          probes                 the isolation probes only (--probe ID, repeatable; default: all)
          prerequisites          one line per backend: name, yes|no, reason (--json: the JSON contract)
        options:
          --spec FILE            a YAML conformance spec
          --agent-image IMAGE    (default: botbottle/agent:reference, or BOTBOTTLE_AGENT_IMAGE)
          --bundle-image IMAGE   (default: botbottle/bundle:reference, or BOTBOTTLE_BUNDLE_IMAGE)
          --backend NAME         docker, smolmachines (repeatable; default: both, missing ones skipped)
          --env K=V              env the bottle declares for the agent (repeatable); values that must not
                                 appear in a command line go in BOTBOTTLE_BOTTLE_ENV_<K>=<V> instead
          --no-probes            leave the isolation probes out of the conformance spec
          --report-dir DIR       where the JUnit, JSON and Markdown reports go (default: artifacts/conformance)
          --report-name NAME     file name prefix of the reports (default: the command's name)
        exit: 0 conforms, 1 a check failed, 2 bad arguments or spec, 3 no backend could run
        """;

    public string Command { get; init; } = "conformance";
    public string? SpecFile { get; init; }
    public string? AgentImage { get; init; }
    public string? BundleImage { get; init; }
    public IReadOnlyList<string> Backends { get; init; } = [];
    public IReadOnlyList<string> Probes { get; init; } = [];
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();
    public bool NoProbes { get; init; }
    public bool Json { get; init; }
    public string ReportDirectory { get; init; } = Path.Combine("artifacts", "conformance");
    public string? ReportName { get; init; }

    /// <summary>Parses argv; returns null and an error when it is not understood.</summary>
    public static (CliArguments? Arguments, string? Error) Parse(IReadOnlyList<string> args)
    {
        var parsed = new CliArguments();
        var backends = new List<string>();
        var probes = new List<string>();
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value");
            try
            {
                switch (arg)
                {
                    case "conformance" or "probes" or "prerequisites" when i == 0:
                        parsed = parsed with { Command = arg };
                        break;
                    case "--spec": parsed = parsed with { SpecFile = Value() }; break;
                    case "--agent-image": parsed = parsed with { AgentImage = Value() }; break;
                    case "--bundle-image": parsed = parsed with { BundleImage = Value() }; break;
                    case "--backend": backends.Add(Value()); break;
                    case "--probe": probes.Add(Value()); break;
                    case "--no-probes": parsed = parsed with { NoProbes = true }; break;
                    case "--json": parsed = parsed with { Json = true }; break;
                    case "--report-dir": parsed = parsed with { ReportDirectory = Value() }; break;
                    case "--report-name": parsed = parsed with { ReportName = Value() }; break;
                    case "--env":
                        var pair = Value();
                        var eq = pair.IndexOf('=', StringComparison.Ordinal);
                        if (eq <= 0)
                        {
                            return (null, $"--env needs K=V, not '{pair}'");
                        }

                        env[pair[..eq]] = pair[(eq + 1)..];
                        break;
                    case "-h" or "--help":
                        return (null, "");
                    default:
                        return (null, $"unknown argument '{arg}'");
                }
            }
            catch (ArgumentException e)
            {
                return (null, e.Message);
            }
        }

        foreach (var (key, value) in EnvFromProcess())
        {
            env.TryAdd(key, value);
        }

        return (parsed with { Backends = backends, Probes = probes, Env = env }, null);
    }

    /// <summary>The prefix of process env entries that become the bottle's declared env (so secrets stay off argv).</summary>
    public const string EnvPrefix = "BOTBOTTLE_BOTTLE_ENV_";

    private static IEnumerable<KeyValuePair<string, string>> EnvFromProcess()
    {
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && key.StartsWith(EnvPrefix, StringComparison.Ordinal) && key.Length > EnvPrefix.Length && entry.Value is string value)
            {
                yield return new(key[EnvPrefix.Length..], value);
            }
        }
    }
}
