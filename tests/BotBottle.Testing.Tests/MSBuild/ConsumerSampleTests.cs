using System.Xml.Linq;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.MSBuild;

/// <summary>
/// samples/BottleConsumer, copied out of the repository and restored from freshly packed packages (no project
/// references): `dotnet test` with the packaged fixtures, `dotnet build -t:BottleProbes` with the packaged
/// targets; and a generated project whose probe fails must fail its build with the probe's code and evidence.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class ConsumerSampleTests(PackedPackagesFixture packages)
{
    private string CopySample(string name)
    {
        var target = Path.Combine(packages.Work, name);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(RepositoryLayout.ConsumerSample).Where(f => Path.GetFileName(f) != "nuget.config"))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(target, "nuget.config"), packages.NugetConfig());
        return target;
    }

    [Fact]
    public async Task The_sample_passes_dotnet_test_with_the_packaged_fixtures()
    {
        packages.RequireFeed();
        packages.RequireDocker();
        var sample = CopySample("sample-test");

        var test = await DotnetRun.RunAsync(sample, ["test", "-p:BotBottleVersion=" + packages.Version], "sample-test", TestContext.Current.CancellationToken);

        DotnetRun.KeepBinlogWhenFailing(test, () =>
        {
            Assert.Equal(0, test.ExitCode);
            Assert.Matches(@"Failed:\s+0, Passed:\s+4, Skipped:\s+0", test.Output);
        });
    }

    [Fact]
    public async Task The_readme_s_first_test_passes_against_the_packed_packages()
    {
        packages.RequireFeed();
        packages.RequireDocker();
        var project = CopySample("readme-first-test");
        File.Delete(Path.Combine(project, "ReferenceBottleTests.cs"));

        // The block the README's "Getting started" shows as a first test, as written; a new xunit.v3 project imports Xunit.
        var readme = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "README.md"));
        var start = readme.IndexOf("```csharp\n", readme.IndexOf("A first test", StringComparison.Ordinal), StringComparison.Ordinal) + "```csharp\n".Length;
        File.WriteAllText(Path.Combine(project, "MyFirstBottleTests.cs"), "global using Xunit;\n" + readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)]);

        var test = await DotnetRun.RunAsync(project, ["test", "-p:BotBottleVersion=" + packages.Version], "readme-first-test", TestContext.Current.CancellationToken);

        DotnetRun.KeepBinlogWhenFailing(test, () =>
        {
            Assert.Equal(0, test.ExitCode);
            Assert.Matches(@"Failed:\s+0, Passed:\s+1, Skipped:\s+0", test.Output);
        });
    }

    [Fact]
    public async Task The_sample_runs_the_whole_probe_catalogue_with_dotnet_build_t_BottleProbes()
    {
        packages.RequireFeed();
        packages.RequireDocker();
        var sample = CopySample("sample-probes");

        var build = await DotnetRun.RunAsync(sample, ["build", "-t:BottleProbes", "-p:BotBottleVersion=" + packages.Version, "-p:BottleAllowSkippedBackends=false"], "sample-probes", TestContext.Current.CancellationToken);

        DotnetRun.KeepBinlogWhenFailing(build, () =>
        {
            Assert.Equal(0, build.ExitCode);
            // Every catalogue probe, plus the launch check.
            Assert.Contains($"probes: {BotBottle.Testing.Probes.IsolationCatalogue.CheckIds.Count + 1} passed, 0 failed, 0 skipped", build.Output, StringComparison.Ordinal);
            var junit = XDocument.Load(Path.Combine(sample, "bin", "bottle-reports", "probes.junit.xml"));
            var cases = junit.Descendants("testcase").ToList();
            Assert.Equal(BotBottle.Testing.Probes.IsolationCatalogue.CheckIds.Count, cases.Count(c => c.Attribute("name")!.Value.StartsWith("probe.", StringComparison.Ordinal)));
            Assert.Contains(cases, c => c.Attribute("name")!.Value == "bottle.launch");
            Assert.All(cases, c => Assert.Null(c.Element("failure")));
            Assert.True(File.Exists(Path.Combine(sample, "bin", "bottle-reports", "probes.md")));
        });
    }

    [Fact]
    public async Task A_failing_probe_fails_the_build_with_its_code_and_evidence_but_never_the_secret()
    {
        packages.RequireFeed();
        packages.RequireDocker();
        var project = Path.Combine(packages.Work, "leaky");
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(project, "nuget.config"), packages.NugetConfig());
        File.WriteAllText(Path.Combine(project, "Leaky.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="BotBottle.Testing.MSBuild" Version="{packages.Version}" PrivateAssets="all" />
                <!-- A pipeline that hands the agent a real-looking credential: the placeholder-only probe must catch it. -->
                <BottleEnv Include="GITHUB_TOKEN" Value="ghp_e2eLeakedTokenValue0123456789abcdef" />
                <BottleProbe Include="loopback-refused;placeholder-secrets-only" />
              </ItemGroup>
            </Project>
            """);

        var build = await DotnetRun.RunAsync(project, ["build", "-t:BottleProbes"], "leaky-probes", TestContext.Current.CancellationToken);

        DotnetRun.KeepBinlogWhenFailing(build, () =>
        {
            Assert.NotEqual(0, build.ExitCode);
            var errors = build.Output.Split('\n').Where(l => l.Contains("error BBT", StringComparison.Ordinal)).Select(l => l.Trim()).Distinct().ToList();
            var error = Assert.Single(errors);
            Assert.Matches(@"error BBT0117: docker probe\.placeholder-secrets-only: The agent's env holds only placeholder credentials: Present .*present: GITHUB_TOKEN", error);
            Assert.Contains("GITHUB_TOKEN", build.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("BBT0101", build.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("ghp_e2eLeakedTokenValue", build.Output, StringComparison.Ordinal);
            Assert.Contains("probes: 2 passed, 1 failed", build.Output, StringComparison.Ordinal);
        });
    }
}
