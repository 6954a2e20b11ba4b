using System.IO.Compression;
using System.Xml.Linq;

namespace BotBottle.Testing.Tests.MSBuild;

/// <summary>What `dotnet pack` of the solution gives a user: four packages with their metadata, docs, symbols and MSBuild assets.</summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class PackagesTests(PackedPackagesFixture packages)
{
    private ZipArchive Open(string id, string extension = "nupkg") =>
        ZipFile.OpenRead(Path.Combine(packages.RequireFeed(), $"{id}.{packages.Version}.{extension}"));

    private static XElement Metadata(ZipArchive package)
    {
        using var nuspec = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string? Field(XElement metadata, string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    [Theory]
    [InlineData("BotBottle.Testing")]
    [InlineData("BotBottle.Testing.Xunit")]
    [InlineData("BotBottle.Testing.Xunit2")]
    [InlineData("BotBottle.Testing.MSBuild")]
    [InlineData("BotBottle.Testing.Cli")]
    public void Each_package_has_a_readme_a_license_expression_and_repository_metadata(string id)
    {
        using var package = Open(id);
        var metadata = Metadata(package);
        Assert.Equal("MIT", Field(metadata, "license"));
        Assert.Equal("README.md", Field(metadata, "readme"));
        Assert.Contains(package.Entries, e => e.FullName == "README.md");
        var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.Equal("git", repository.Attribute("type")?.Value);
        Assert.StartsWith("https://github.com/", repository.Attribute("url")?.Value, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{40}$", repository.Attribute("commit")?.Value ?? "");
        Assert.False(string.IsNullOrWhiteSpace(Field(metadata, "description")));
    }

    [Theory]
    [InlineData("BotBottle.Testing")]
    [InlineData("BotBottle.Testing.Xunit")]
    [InlineData("BotBottle.Testing.Xunit2")]
    public void Libraries_ship_xml_docs_and_a_symbol_package(string id)
    {
        using (var package = Open(id))
        {
            Assert.Contains(package.Entries, e => e.FullName == $"lib/net8.0/{id}.dll");
            Assert.Contains(package.Entries, e => e.FullName == $"lib/net8.0/{id}.xml");
        }

        using var symbols = Open(id, "snupkg");
        Assert.Contains(symbols.Entries, e => e.FullName == $"lib/net8.0/{id}.pdb");
    }

    [Fact]
    public void The_cli_is_a_dotnet_tool_called_botbottle()
    {
        using var package = Open("BotBottle.Testing.Cli");
        var metadata = Metadata(package);
        var types = metadata.Elements().Single(e => e.Name.LocalName == "packageTypes").Elements().Select(e => e.Attribute("name")?.Value).ToList();
        Assert.Equal(["DotnetTool"], types);
        Assert.Contains(package.Entries, e => e.FullName == "tools/net8.0/any/botbottle.dll");
        using var settings = package.Entries.Single(e => e.FullName == "tools/net8.0/any/DotnetToolSettings.xml").Open();
        Assert.Equal("botbottle", XDocument.Load(settings).Descendants().Single(e => e.Name.LocalName == "Command").Attribute("Name")?.Value);
    }

    [Fact]
    public void The_msbuild_package_carries_tasks_for_both_msbuild_runtimes_targets_and_the_cli_and_no_dependencies()
    {
        using var package = Open("BotBottle.Testing.MSBuild");
        var names = package.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("tasks/net472/BotBottle.Testing.MSBuild.dll", names);
        Assert.Contains("tasks/net8.0/BotBottle.Testing.MSBuild.dll", names);
        Assert.Contains("build/BotBottle.Testing.MSBuild.props", names);
        Assert.Contains("build/BotBottle.Testing.MSBuild.targets", names);
        Assert.Contains("buildTransitive/BotBottle.Testing.MSBuild.targets", names);
        Assert.Contains("tools/cli/botbottle.dll", names);
        Assert.Contains("tools/cli/BotBottle.Testing.dll", names);
        Assert.DoesNotContain(names, n => n.StartsWith("lib/", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.Contains("Microsoft.Build", StringComparison.Ordinal));
        var metadata = Metadata(package);
        Assert.Equal("true", Field(metadata, "developmentDependency"));
        Assert.Null(metadata.Elements().FirstOrDefault(e => e.Name.LocalName == "dependencies"));
    }
}

/// <summary>
/// The PTY-resize bridge reaches a package user where <c>PtyBridgeLocator</c> looks: beside BotBottle.Testing.dll.
/// A consumer restored from the packed feed (no project references) runs the locator from its own output and then the
/// command it returns, which must be the bridge answering with its usage.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class PtyBridgePackageTests(PackedPackagesFixture packages)
{
    [Fact]
    public async Task A_package_consumer_finds_the_bridge_beside_the_library_and_it_runs()
    {
        var feed = packages.RequireFeed();
        using (var library = ZipFile.OpenRead(Path.Combine(feed, $"BotBottle.Testing.{packages.Version}.nupkg")))
        {
            Assert.Contains(library.Entries, e => e.FullName == "tools/pty-bridge/botbottle-pty-bridge.dll");
        }

        using (var msbuild = ZipFile.OpenRead(Path.Combine(feed, $"BotBottle.Testing.MSBuild.{packages.Version}.nupkg")))
        {
            Assert.Contains(msbuild.Entries, e => e.FullName == "tools/cli/botbottle-pty-bridge.dll");
        }

        var consumer = Directory.CreateDirectory(Path.Combine(packages.Work, "pty-consumer")).FullName;
        await File.WriteAllTextAsync(Path.Combine(consumer, "nuget.config"), packages.NugetConfig(), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(consumer, "PtyConsumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net{Environment.Version.Major}.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="BotBottle.Testing" Version="{packages.Version}" />
              </ItemGroup>
            </Project>
            """, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(consumer, "Program.cs"), """
            var locator = typeof(BotBottle.Testing.BottleBuilder).Assembly.GetType("BotBottle.Testing.Smolmachines.PtyBridgeLocator", throwOnError: true)!;
            var command = (IReadOnlyList<string>)locator.GetMethod("DefaultCommand")!.Invoke(null, null)!;
            Console.WriteLine(string.Join('\n', command));
            """, TestContext.Current.CancellationToken);

        var build = await DotnetRun.RunAsync(consumer, ["build", "-c", "Release", "-o", Path.Combine(consumer, "out")], "pty-consumer", TestContext.Current.CancellationToken);
        DotnetRun.KeepBinlogWhenFailing(build, () => Assert.Equal(0, build.ExitCode));
        var located = await CliWrap.Buffered.BufferedCommandExtensions.ExecuteBufferedAsync(
            CliWrap.Cli.Wrap(Support.RepositoryLayout.DotnetHost).WithArguments([Path.Combine(consumer, "out", "PtyConsumer.dll")]).WithValidation(CliWrap.CommandResultValidation.None), TestContext.Current.CancellationToken);
        Assert.True(located.ExitCode == 0, located.StandardError);
        var command = located.StandardOutput.TrimEnd('\n').Split('\n');
        Assert.Equal(Path.Combine(consumer, "out", "botbottle-pty-bridge.dll"), command[^1]);

        var bridge = await CliWrap.Buffered.BufferedCommandExtensions.ExecuteBufferedAsync(
            CliWrap.Cli.Wrap(command[0]).WithArguments(command.Skip(1)).WithValidation(CliWrap.CommandResultValidation.None), TestContext.Current.CancellationToken);
        Assert.Contains("usage: botbottle-pty-bridge <machine>", bridge.StandardError, StringComparison.Ordinal);
    }
}
