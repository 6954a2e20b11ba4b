using CliWrap;
using CliWrap.Buffered;

namespace BotBottle.Testing.Tests.Support;

/// <summary>
/// Test-fixture agent images built from a Dockerfile of the test output (offline, <c>--network none</c>, FROM the
/// reference image), labelled as the harness's, and removed by the test that built them.
/// </summary>
internal static class FixtureImages
{
    /// <summary>Builds <paramref name="folder"/>/<paramref name="defect"/>.Dockerfile as <paramref name="tag"/>; throws with docker's error when it fails.</summary>
    public static async Task BuildAsync(string folder, string defect, string tag, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, folder);
        var built = await Cli.Wrap("docker")
            .WithArguments(["build", "--quiet", "--network", "none", "--label", ResourceLabels.Harness + "=" + ResourceLabels.HarnessName,
                "-t", tag, "-f", Path.Combine(directory, defect + ".Dockerfile"), directory])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cancellationToken);
        if (built.ExitCode != 0)
        {
            throw new InvalidOperationException($"docker build of {defect} failed: {built.StandardError}");
        }
    }

    /// <summary>Removes <paramref name="tags"/> (the images this test built; never another's).</summary>
    public static async Task RemoveAsync(IReadOnlyList<string> tags)
    {
        if (tags.Count > 0)
        {
            await Cli.Wrap("docker").WithArguments(["image", "rm", "--force", .. tags]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(CancellationToken.None);
        }
    }
}
