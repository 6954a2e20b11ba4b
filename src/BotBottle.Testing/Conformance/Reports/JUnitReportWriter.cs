using BotBottle.Testing.Checks;
using BotBottle.Testing.Conformance.Results;
using System.Globalization;
using System.Xml.Linq;
using BotBottle.Testing.Conformance.Checks;

namespace BotBottle.Testing.Conformance.Reports;

/// <summary>
/// JUnit XML: one suite per backend (<c>conformance.&lt;spec&gt;.&lt;backend&gt;</c>; where two runs share a backend
/// name, two docker engines say, each suite is named by its run's label instead, which the runner keeps distinct), one test case per
/// check named by its stable id (its build-log code, <see cref="CheckResult.Code"/>, as a property); failures carry the message, hint and evidence; skips carry the reason.
/// </summary>
internal static class JUnitReportWriter
{
    /// <summary>The report as a JUnit document.</summary>
    public static XDocument Build(ConformanceReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var (passed, failed, skipped) = report.Totals;
        var suites = new XElement("testsuites",
            new XAttribute("name", $"conformance.{report.SpecName}"),
            new XAttribute("tests", passed + failed + skipped),
            new XAttribute("failures", failed),
            new XAttribute("skipped", skipped),
            new XAttribute("time", Seconds(report.Elapsed)));
        var shared = report.Runs.GroupBy(r => r.Backend, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var run in report.Runs)
        {
            var suiteName = $"conformance.{report.SpecName}.{(shared.Contains(run.Backend) ? run.Label : run.Backend)}";
            var suite = new XElement("testsuite",
                new XAttribute("name", suiteName),
                new XAttribute("tests", run.Results.Count),
                new XAttribute("failures", run.Results.Count(r => r.Verdict == Verdict.Failed)),
                new XAttribute("errors", run.Results.Count(r => r.Verdict == Verdict.Inconclusive)),
                new XAttribute("skipped", run.Results.Count(r => r.Verdict == Verdict.Skipped)),
                new XAttribute("time", Seconds(TimeSpan.FromTicks(run.Results.Sum(r => r.Elapsed.Ticks)))),
                new XElement("properties",
                    new XElement("property", new XAttribute("name", "agentImage"), new XAttribute("value", report.AgentImage)),
                    new XElement("property", new XAttribute("name", "bundleImage"), new XAttribute("value", report.BundleImage)),
                    new XElement("property", new XAttribute("name", "backend"), new XAttribute("value", run.Backend)),
                    new XElement("property", new XAttribute("name", "label"), new XAttribute("value", run.Label))));
            foreach (var result in run.Results)
            {
                var testCase = new XElement("testcase",
                    new XAttribute("classname", suiteName),
                    new XAttribute("name", result.CheckId),
                    new XAttribute("time", Seconds(result.Elapsed)),
                    new XElement("properties", new XElement("property", new XAttribute("name", "code"), new XAttribute("value", result.Code.ToString()))));
                var detail = $"{result.Title}\n{result.Explain()}\n\n{result.Evidence}".TrimEnd();
                switch (result.Verdict)
                {
                    case Verdict.Failed:
                        testCase.Add(new XElement("failure", new XAttribute("message", result.Explain()), new XAttribute("type", result.CheckId), detail));
                        break;
                    case Verdict.Inconclusive:
                        testCase.Add(new XElement("error", new XAttribute("message", result.Explain()), new XAttribute("type", "inconclusive"), detail));
                        break;
                    case Verdict.Skipped:
                        testCase.Add(new XElement("skipped", new XAttribute("message", result.Message)));
                        break;
                    default:
                        testCase.Add(new XElement("system-out", detail));
                        break;
                }

                suite.Add(testCase);
            }

            suites.Add(suite);
        }

        return new XDocument(new XDeclaration("1.0", "utf-8", null), suites);
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
}
