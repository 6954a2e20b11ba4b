using BotBottle.Testing.Tests.Support;
using CliWrap;
using CliWrap.Buffered;

namespace BotBottle.Testing.Tests.Images;

/// <summary>
/// The reference images build two ways, offline with mmdebstrap (CI, any Debian host as root) and as plain
/// Dockerfiles FROM debian:bookworm-slim (a Mac): both must give the same packages, users, files and config.
/// </summary>
public sealed class ImageRecipeParityTests
{
    [Fact(Timeout = 900_000)]
    [Trait("Category", "Docker")]
    public async Task The_Dockerfiles_and_the_mmdebstrap_path_build_the_same_images()
    {
        await BackendGate.RequireAsync(new DockerBackend());
        if (Environment.UserName != "root" || !File.Exists("/usr/bin/apt-get"))
        {
            Assert.Skip("the parity check builds the offline path too, which needs root and apt (mmdebstrap)");
        }

        var result = await Cli.Wrap(Path.Combine(RepositoryLayout.Root, "eng", "images", "build-images.sh")).WithArguments(["parity"])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("agent: the Dockerfile and mmdebstrap images agree", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("bundle: the Dockerfile and mmdebstrap images agree", result.StandardError, StringComparison.Ordinal);
    }
}
