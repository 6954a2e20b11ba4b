using BotBottle.Testing.Images;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Images;

/// <summary>The reference images' recipes ship in the library and build with one call; a missing image names the command.</summary>
public sealed class ReferenceImagesTests
{
    [Fact]
    public void The_library_carries_every_recipe_file_of_eng_images_byte_for_byte_and_unpacks_them_runnable()
    {
        var source = Path.Combine(RepositoryLayout.Root, "eng", "images");
        var expected = Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(source, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("variants/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, ImageRecipes.Files);
        Assert.Contains("build-images.sh", ImageRecipes.Files);

        var cache = Directory.CreateTempSubdirectory("bbt-recipes-");
        try
        {
            var folder = ImageRecipes.Unpack(cache.FullName);
            Assert.Equal(Path.Combine(cache.FullName, ImageRecipes.Hash), folder);
            foreach (var file in expected)
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(source, file)), File.ReadAllBytes(Path.Combine(folder, file)));
            }

            Assert.True(File.GetUnixFileMode(Path.Combine(folder, "build-images.sh")).HasFlag(UnixFileMode.UserExecute));
            Assert.True(File.GetUnixFileMode(Path.Combine(folder, "bundle", "bundle-init")).HasFlag(UnixFileMode.UserExecute));
            Assert.Equal(folder, ImageRecipes.Unpack(cache.FullName));   // a second call reuses the folder
        }
        finally
        {
            cache.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_missing_reference_image_names_the_images_command_and_the_call()
    {
        var error = new BottleImageNotFoundException([ReferenceImages.Agent], "unix:///var/run/docker.sock");

        Assert.Equal(
            "image botbottle/agent:reference is not in the docker engine at unix:///var/run/docker.sock: build the reference images with `botbottle images` (the BotBottle.Testing.Cli tool) or `await ReferenceImages.EnsureAsync(ct)`",
            error.Message);
    }

    [Fact]
    [Trait("Category", "Docker")]
    public async Task EnsureAsync_leaves_up_to_date_reference_images_as_they_are_through_the_packaged_recipes()
    {
        var docker = await new DockerBackend().CheckPrerequisitesAsync(TestContext.Current.CancellationToken);
        BackendGate.Require(docker);
        var cache = Directory.CreateTempSubdirectory("bbt-recipes-");
        var lines = new List<string>();
        try
        {
            var images = await ReferenceImages.EnsureAsync(new ReferenceImageOptions { CacheDirectory = cache.FullName, Progress = l => { lock (lines) { lines.Add(l); } } }, TestContext.Current.CancellationToken);

            Assert.Equal(["botbottle/agent:reference", "botbottle/bundle:reference", "botbottle/prober:reference"], images);
            // The recipes unpacked from the package hash exactly as eng/images does, so the images eng/test.sh built are current.
            Assert.Contains(lines, l => l.Contains("botbottle/agent:reference is up to date", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains("botbottle/bundle:reference is up to date", StringComparison.Ordinal));
        }
        finally
        {
            cache.Delete(recursive: true);
        }
    }
}
