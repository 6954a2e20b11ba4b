namespace BotBottle.Testing.Tests.MSBuild;

/// <summary>
/// A multi-targeting consumer of the packed MSBuild package (a stand-in CLI, so no bottle is launched): the
/// bottle targets exist in the outer build (buildMultiTargeting/), and both `-t:BottleProbes` and the README's
/// AfterTargets="Build" hook run the CLI once per build, not once per target framework.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class MultiTargetingTests(PackedPackagesFixture packages)
{
    private string Project(string name, string extra)
    {
        var project = Path.Combine(packages.Work, name);
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(project, "nuget.config"), packages.NugetConfig());
        File.WriteAllText(Path.Combine(project, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFrameworks>net8.0;net10.0</TargetFrameworks>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="BotBottle.Testing.MSBuild" Version="{packages.Version}" PrivateAssets="all" />
              </ItemGroup>
              {extra}
            </Project>
            """);
        return project;
    }

    [Fact]
    public async Task BottleProbes_runs_once_in_the_outer_build_of_a_multi_targeting_project()
    {
        packages.RequireFeed();
        using var cli = new FakeCli(0, BottleCheckTaskTests.PassingReport);
        var project = Project("MultiProbes", "");

        var build = await DotnetRun.RunAsync(project, ["build", "-t:BottleProbes", "-p:BottleCliPath=" + cli.Path], "multi-probes", TestContext.Current.CancellationToken);

        DotnetRun.KeepBinlogWhenFailing(build, () =>
        {
            Assert.Equal(0, build.ExitCode);
            Assert.DoesNotContain("MSB4057", build.Output, StringComparison.Ordinal);
            Assert.Single(cli.Calls);
            Assert.StartsWith("probes ", cli.Calls[0], StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task The_readme_AfterTargets_hook_runs_one_bottle_per_build()
    {
        packages.RequireFeed();
        using var cli = new FakeCli(0, BottleCheckTaskTests.PassingReport);
        var project = Project("MultiHook", """<Target Name="ProbeMyImage" AfterTargets="Build" DependsOnTargets="BottleProbes" />""");

        var build = await DotnetRun.RunAsync(project, ["build", "-p:BottleCliPath=" + cli.Path], "multi-hook", TestContext.Current.CancellationToken);

        DotnetRun.KeepBinlogWhenFailing(build, () =>
        {
            Assert.Equal(0, build.ExitCode);
            Assert.Single(cli.Calls);
            Assert.True(File.Exists(Path.Combine(project, "bin", "Debug", "net8.0", "MultiHook.dll")));
            Assert.True(File.Exists(Path.Combine(project, "bin", "Debug", "net10.0", "MultiHook.dll")));
        });
    }
}
