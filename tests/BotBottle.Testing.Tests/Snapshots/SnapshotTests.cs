using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Snapshots;

public sealed class SnapshotTests
{
    [Fact]
    public void A_deterministic_source_path_maps_back_to_the_file_in_the_repository()
    {
        // What [CallerFilePath] records when the build sets ContinuousIntegrationBuild (CI=true).
        var mapped = Snapshot.SourcePath("/_/tests/BotBottle.Testing.Tests/Snapshots/SnapshotTests.cs");

        Assert.Equal(Path.Combine(RepositoryLayout.Root, "tests", "BotBottle.Testing.Tests", "Snapshots", "SnapshotTests.cs"), mapped);
        Assert.True(File.Exists(mapped), mapped);
    }

    [Fact]
    public void A_real_source_path_is_kept()
    {
        var real = Path.Combine(RepositoryLayout.Root, "tests", "BotBottle.Testing.Tests", "Snapshots", "Snapshot.cs");

        Assert.Equal(real, Snapshot.SourcePath(real));
    }
}
