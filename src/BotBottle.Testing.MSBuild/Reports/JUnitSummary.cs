using System.Collections.Generic;
using System.Linq;
using System.Xml.Linq;

namespace BotBottle.Testing.MSBuild.Reports;

/// <summary>What the CLI's JUnit report says: counts, and each failed or inconclusive check with its code and evidence.</summary>
internal sealed class JUnitSummary
{
    private JUnitSummary(int passed, int skipped, IReadOnlyList<CheckFailure> failures)
    {
        Passed = passed;
        Skipped = skipped;
        Failures = failures;
    }

    public int Passed { get; }

    public int Skipped { get; }

    public IReadOnlyList<CheckFailure> Failures { get; }

    public static JUnitSummary Load(string path)
    {
        var document = XDocument.Load(path);
        var passed = 0;
        var skipped = 0;
        var failures = new List<CheckFailure>();
        foreach (var testCase in document.Descendants("testcase"))
        {
            var suite = (string?)testCase.Attribute("classname") ?? "";
            var backend = suite.Substring(suite.LastIndexOf('.') + 1);
            var checkId = (string?)testCase.Attribute("name") ?? "";
            var code = testCase.Element("properties")?.Elements("property").FirstOrDefault(p => (string?)p.Attribute("name") == "code")?.Attribute("value")?.Value ?? "BBT0299";
            var failure = testCase.Element("failure") ?? testCase.Element("error");
            if (failure is not null)
            {
                failures.Add(new CheckFailure(backend, checkId, code, (string?)failure.Attribute("message") ?? "", failure.Value));
            }
            else if (testCase.Element("skipped") is not null)
            {
                skipped++;
            }
            else
            {
                passed++;
            }
        }

        return new JUnitSummary(passed, skipped, failures);
    }
}
