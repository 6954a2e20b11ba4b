using BotBottle.Testing.Checks;
using System.CommandLine;
using BotBottle.Testing.Conformance.Checks;
using BotBottle.Testing.Conformance.Reports;
using BotBottle.Testing.Conformance.Run;
using BotBottle.Testing.Conformance.Spec;
using BotBottle.Testing.Probes;
using BotBottle.Testing.Sessions;

namespace BotBottle.Testing.Cli;

/// <summary>
/// <c>botbottle conformance</c> (the README's main job), and the run <c>botbottle probes</c> shares: a spec on every
/// backend asked for, the parity matrix and each failure with its fix, JUnit/JSON/Markdown reports (the Markdown
/// also to the GitHub Actions step summary).
/// </summary>
internal sealed class ConformanceCommand : ICliCommand
{
    public Command Create(TextWriter output, TextWriter error)
    {
        var options = new CliOptions();
        var spec = new Option<string?>("--spec") { Description = "a YAML conformance spec (default: the built-in bot-bottle spec)", HelpName = "FILE" };
        var noProbes = new Option<bool>("--no-probes") { Description = "leave the isolation probes out of the spec" };
        var command = new Command("conformance", "the built-in bot-bottle spec (or --spec FILE) plus the isolation probes, on every backend asked for") { spec, noProbes };
        options.AddTo(command);
        command.SetAction((parsed, ct) => RunAsync(options.Read(parsed, "conformance") with { SpecFile = parsed.GetValue(spec), NoProbes = parsed.GetValue(noProbes) }, output, error, ct));
        return command;
    }

    public static async Task<int> RunAsync(RunSettings arguments, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ConformanceSpec spec;
        try
        {
            spec = SpecFor(arguments);
        }
        catch (ConformanceSpecException e)
        {
            foreach (var specError in e.Errors.Count > 0 ? e.Errors.Select(x => x.ToString()) : [e.Message])
            {
                await error.WriteLineAsync(specError);
            }

            // The machine-readable side of the same answer, for the MSBuild tasks and scripts.
            var entries = e.Errors.Count > 0
                ? e.Errors.Select(x => new SpecErrorEntry(x.Location.File, x.Location.Line, x.Location.Column, x.Message)).ToList()
                : [new SpecErrorEntry(arguments.SpecFile ?? "", 0, 0, e.Message)];
            Directory.CreateDirectory(arguments.ReportDirectory);
            await File.WriteAllTextAsync(Path.Combine(arguments.ReportDirectory, (arguments.ReportName ?? arguments.Command) + ".json"), JsonReportWriter.BuildInvalidSpec(arguments.SpecFile ?? "", entries), cancellationToken);
            return 2;
        }

        var options = new ConformanceOptions
        {
            AgentImage = arguments.AgentImage ?? BottleBuilder.ReferenceAgentImage,
            BundleImage = arguments.BundleImage ?? BottleBuilder.ReferenceBundleImage,
            Backends = arguments.Backends.Count > 0 ? arguments.Backends.Select(name => BottleBackends.Create(name)).ToList() : BottleBackends.CreateAll(),
            Env = arguments.Env,
        };
        await output.WriteLineAsync($"{arguments.Command}: spec {spec.Name} ({spec.CheckCount} checks) against {options.AgentImage} with bundle {options.BundleImage} on {string.Join(", ", options.Backends.Select(b => b.Label ?? b.Name))}");
        var report = await ConformanceRunner.RunAsync(spec, options, line => output.WriteLine("  " + line), cancellationToken: cancellationToken);

        await output.WriteLineAsync();
        await output.WriteAsync(new ParityMatrix(report).ToText());
        foreach (var run in report.Runs)
        {
            foreach (var failed in run.Results.Where(r => r.Failed))
            {
                await output.WriteLineAsync($"\n{run.Label} {failed.CheckId}: {failed.Explain()}");
                if (failed.Evidence.Length > 0)
                {
                    await output.WriteLineAsync("    " + failed.Evidence.ReplaceLineEndings("\n    "));
                }
            }
        }

        var files = await ReportFiles.WriteAsync(report, arguments.ReportDirectory, arguments.ReportName ?? arguments.Command, cancellationToken);
        var (passed, failedCount, skipped) = report.Totals;
        await output.WriteLineAsync($"\n{arguments.Command}: {passed} passed, {failedCount} failed, {skipped} skipped in {report.Elapsed.TotalSeconds:0.0} s");
        await output.WriteLineAsync("reports: " + string.Join(", ", files));
        await AppendStepSummaryAsync(files, cancellationToken);
        return !report.AnyBackendRan ? 3 : report.Conforms ? 0 : 1;
    }

    private static ConformanceSpec SpecFor(RunSettings arguments)
    {
        var spec = arguments.SpecFile is { } file ? ConformanceSpec.Load(file) : ConformanceSpec.BotBottle;
        if (arguments.Command == "probes")
        {
            var wanted = arguments.Probes.Count > 0 ? arguments.Probes : IsolationCatalogue.CheckIds;
            var unknown = wanted.Except(IsolationCatalogue.CheckIds).ToList();
            if (unknown.Count > 0)
            {
                throw new ConformanceSpecException($"unknown probe(s): {string.Join(", ", unknown)}; the catalogue has: {string.Join(", ", IsolationCatalogue.CheckIds)}");
            }

            return ConformanceSpec.ProbesOnly(wanted, arguments.Daemons);
        }

        return arguments.NoProbes ? spec.WithoutProbes() : spec;
    }

    /// <summary>In GitHub Actions, the Markdown report goes to the job's step summary too.</summary>
    private static async Task AppendStepSummaryAsync(IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable("GITHUB_ACTIONS") != "true" || Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is not { Length: > 0 } summary)
        {
            return;
        }

        if (files.FirstOrDefault(f => f.EndsWith(".md", StringComparison.Ordinal)) is { } markdown)
        {
            await File.AppendAllTextAsync(summary, await File.ReadAllTextAsync(markdown, cancellationToken) + "\n", cancellationToken);
        }
    }
}
