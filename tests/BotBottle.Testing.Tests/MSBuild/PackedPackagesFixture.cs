using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.MSBuild;

/// <summary>
/// Packs the solution (already built by this test run) into a fresh folder feed with a version of its own,
/// so restores take these packages and nothing cached; removes the feed and that version from the package
/// cache afterwards.
/// </summary>
public sealed class PackedPackagesFixture : IAsyncLifetime
{
    private static readonly string[] PackageIds = ["botbottle.testing", "botbottle.testing.xunit", "botbottle.testing.xunit2", "botbottle.testing.msbuild", "botbottle.testing.cli"];
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("bbt-e2e-");
    private Exception? _failure;

    public string Version { get; } = $"0.1.0-e2e.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    public string Feed => Path.Combine(_work.FullName, "feed");

    public string Work => _work.FullName;

    public Launch.PrerequisiteReport? Docker { get; private set; }

    public async ValueTask InitializeAsync()
    {
        Docker = await new DockerBackend().CheckPrerequisitesAsync(TestContext.Current.CancellationToken);
        var pack = await DotnetRun.RunAsync(RepositoryLayout.Root,
            ["pack", RepositoryLayout.Solution, "-c", RepositoryLayout.Configuration, "--no-build", "-o", Feed, "-p:Version=" + Version], "pack", TestContext.Current.CancellationToken);
        if (pack.ExitCode != 0)
        {
            _failure = new InvalidOperationException($"dotnet pack failed ({pack.ExitCode}):\n{pack.Output}");
        }
    }

    /// <summary>The feed, once packing worked (throws the packing failure otherwise).</summary>
    public string RequireFeed()
    {
        if (_failure is not null)
        {
            throw _failure;
        }

        return Feed;
    }

    /// <summary>Docker must be there for the consumer's bottles (skip, or fail under BOTBOTTLE_REQUIRE).</summary>
    public void RequireDocker() => BackendGate.Require(Docker!);

    /// <summary>A nuget.config for a consumer: this feed on top of the machine's own sources (nothing cleared).</summary>
    public string NugetConfig() => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <add key="e2e" value="{Feed}" />
          </packageSources>
        </configuration>
        """;

    public async ValueTask DisposeAsync()
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in PackageIds)
        {
            var folder = Path.Combine(cache, id, Version);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        _work.Delete(recursive: true);
        await ValueTask.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class PackedPackagesCollection : ICollectionFixture<PackedPackagesFixture>
{
    public const string Name = "packed packages";
}
