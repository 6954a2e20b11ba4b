using System.CommandLine;
using BotBottle.Testing.Sessions;

namespace BotBottle.Testing.Cli;

/// <summary>The options the bottle-launching commands share, and what they parse into.</summary>
internal sealed class CliOptions
{
    /// <summary>The prefix of process env entries that become the bottle's declared env (so secrets stay off argv).</summary>
    public const string EnvPrefix = "BOTBOTTLE_BOTTLE_ENV_";

    public Option<string?> AgentImage { get; } = new("--agent-image") { Description = "the agent image (default: botbottle/agent:reference, or BOTBOTTLE_AGENT_IMAGE)", HelpName = "IMAGE" };

    public Option<string?> BundleImage { get; } = new("--bundle-image") { Description = "the bundle image (default: botbottle/bundle:reference, or BOTBOTTLE_BUNDLE_IMAGE)", HelpName = "IMAGE" };

    public Option<string[]> Backends { get; } = new("--backend") { Description = BottleBackends.Help + " (repeatable; default: all, missing ones skipped)", HelpName = "NAME", Arity = ArgumentArity.OneOrMore };

    public Option<string[]> Env { get; } = new("--env") { Description = "env the bottle declares for the agent, K=V (repeatable); values that must not appear in a command line go in BOTBOTTLE_BOTTLE_ENV_<K>=<V> instead", HelpName = "K=V", Arity = ArgumentArity.OneOrMore };

    public Option<string> ReportDirectory { get; } = new("--report-dir") { Description = "where the JUnit, JSON and Markdown reports go", HelpName = "DIR", DefaultValueFactory = _ => Path.Combine("artifacts", "conformance") };

    public Option<string?> ReportName { get; } = new("--report-name") { Description = "file name prefix of the reports (default: the command's name)", HelpName = "NAME" };

    public CliOptions()
    {
        Backends.AllowMultipleArgumentsPerToken = false;
        Env.AllowMultipleArgumentsPerToken = false;
        Backends.Validators.Add(result =>
        {
            foreach (var name in result.Tokens.Select(t => t.Value))
            {
                if (BottleBackends.Problem(name) is { } problem)
                {
                    result.AddError(problem);
                    return;
                }
            }
        });
        Env.Validators.Add(result =>
        {
            foreach (var pair in result.Tokens.Select(t => t.Value).Where(p => p.IndexOf('=', StringComparison.Ordinal) <= 0))
            {
                result.AddError($"--env needs K=V, not '{pair}'");
                return;
            }
        });
    }

    public void AddTo(Command command)
    {
        foreach (var option in (Option[])[AgentImage, BundleImage, Backends, Env, ReportDirectory, ReportName])
        {
            command.Options.Add(option);
        }
    }

    public RunSettings Read(ParseResult parsed, string command)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in parsed.GetValue(Env) ?? [])
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            env[pair[..eq]] = pair[(eq + 1)..];
        }

        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && key.StartsWith(EnvPrefix, StringComparison.Ordinal) && key.Length > EnvPrefix.Length && entry.Value is string value)
            {
                env.TryAdd(key[EnvPrefix.Length..], value);
            }
        }

        return new RunSettings
        {
            Command = command,
            AgentImage = parsed.GetValue(AgentImage),
            BundleImage = parsed.GetValue(BundleImage),
            Backends = parsed.GetValue(Backends) ?? [],
            Env = env,
            ReportDirectory = parsed.GetValue(ReportDirectory) ?? Path.Combine("artifacts", "conformance"),
            ReportName = parsed.GetValue(ReportName),
        };
    }
}

/// <summary>What a conformance or probes run was asked for.</summary>
internal sealed record RunSettings
{
    public required string Command { get; init; }
    public string? SpecFile { get; init; }
    public string? AgentImage { get; init; }
    public string? BundleImage { get; init; }
    public IReadOnlyList<string> Backends { get; init; } = [];
    public IReadOnlyList<string> Probes { get; init; } = [];
    public IReadOnlyList<Probes.CatalogueOptions.LoopbackDaemon> Daemons { get; init; } = [];
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();
    public bool NoProbes { get; init; }
    public required string ReportDirectory { get; init; }
    public string? ReportName { get; init; }
}
