using BotBottle.Testing.Conformance.Checks;
using BotBottle.Testing.Conformance.Reports;
using BotBottle.Testing.Conformance.Run;
using BotBottle.Testing.Conformance.Spec;
using BotBottle.Testing.Probes;
using BotBottle.Testing.Sessions;

namespace BotBottle.Testing.Cli;

/// <summary>
/// <c>botbottle conformance</c> (the README's main job) and <c>botbottle probes</c>: run a spec on every
/// backend asked for, print the parity matrix and each failure with its fix, write JUnit/JSON/Markdown.
/// </summary>
internal static class ConformanceCommand
{
    public static async Task<int> RunAsync(CliArguments arguments, TextWriter output, CancellationToken cancellationToken)
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
                await Console.Error.WriteLineAsync(specError);
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
            Backends = (arguments.Backends.Count > 0 ? arguments.Backends : BottleBackends.All).Select(name => BottleBackends.Create(name)).ToList(),
            Env = arguments.Env,
        };
        await output.WriteLineAsync($"{arguments.Command}: spec {spec.Name} ({spec.CheckCount} checks) against {options.AgentImage} with bundle {options.BundleImage} on {string.Join(", ", options.Backends.Select(b => b.Name))}");
        var report = await ConformanceRunner.RunAsync(spec, options, line => output.WriteLine("  " + line), cancellationToken: cancellationToken);

        await output.WriteLineAsync();
        await output.WriteAsync(new ParityMatrix(report).ToText());
        foreach (var run in report.Runs)
        {
            foreach (var failed in run.Results.Where(r => r.Verdict is ConformanceVerdict.Failed or ConformanceVerdict.Inconclusive))
            {
                await output.WriteLineAsync($"\n{run.Backend} {failed.CheckId}: {failed.Explain()}");
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
        return !report.AnyBackendRan ? 3 : report.Conforms ? 0 : 1;
    }

    private static ConformanceSpec SpecFor(CliArguments arguments)
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

            return ConformanceSpec.ProbesOnly(wanted);
        }

        return arguments.NoProbes ? spec.WithoutProbes() : spec;
    }
}
