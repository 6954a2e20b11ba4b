using System.Collections.Concurrent;
using BotBottle.Testing.Engine;
using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Smolmachines;

/// <summary>
/// Local docker images as archives smolvm boots from. <c>pack create</c> takes only a registry reference (it
/// pulls inside a helper VM, v1.9.3 <c>src/cli/pack.rs</c>), but most agent images exist only in the local
/// engine; from 1.1.0 <c>machine create -I</c> takes a <c>docker save</c> archive ("pipe docker save to use a
/// locally built image", v1.9.3 <c>src/cli/machine.rs</c> CreateCmd). From 1.6.0 exec runs as the image's USER
/// (957bd755), and <c>runuser</c>, which every exec starts with, works only for root: an image whose USER is
/// not root gets a one-line derived image (<c>USER 0</c>) first, built with Testcontainers' image builder.
/// Archives are cached by image id, so a rebuilt image gets a new archive and an unchanged one is saved once.
/// </summary>
internal static class ImageArchives
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    /// <summary>The user's cache directory: ~/Library/Caches/botbottle/smolmachines or $XDG_CACHE_HOME/botbottle/smolmachines.</summary>
    public static string DefaultDirectory()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var cacheRoot = OperatingSystem.IsMacOS()
            ? Path.Combine(home, "Library", "Caches")
            : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(home, ".cache");
        return Path.Combine(cacheRoot, "botbottle", "smolmachines");
    }

    /// <summary>The archive of <paramref name="image"/> (as root), saving it first when it is not cached.</summary>
    public static async Task<string> GetAsync(DockerEngine engine, string image, string directory, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var inspect = await EngineImage.InspectAsync(engine, image, cancellationToken).ConfigureAwait(false);
        var id = inspect.Id.Replace("sha256:", "", StringComparison.Ordinal);
        var archive = Path.Combine(directory, id[..24] + ".tar");
        if (File.Exists(archive))
        {
            return archive;
        }

        var gate = Gates.GetOrAdd(archive, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (File.Exists(archive))
            {
                return archive;
            }

            Directory.CreateDirectory(directory);
            var source = inspect.User is "" or "0" or "root" or "0:0" or "root:root" ? inspect.Id : await DeriveRootImageAsync(engine, inspect.Id, id, logger, cancellationToken).ConfigureAwait(false);
            var partial = archive + $".{Environment.ProcessId}.partial";
            try
            {
                using (var file = File.Create(partial))
                {
                    await EngineImage.SaveAsync(engine, source, file, cancellationToken).ConfigureAwait(false);
                }

                File.Move(partial, archive, overwrite: true);
                logger.LogInformation("saved {Image} (as root) for smolvm at {Archive}", image, archive);
                return archive;
            }
            finally
            {
                File.Delete(partial);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task<string> DeriveRootImageAsync(DockerEngine engine, string imageId, string id, ILogger logger, CancellationToken cancellationToken)
    {
        // Testcontainers pulls every FROM it does not find among the local tags (an image id is not one), so the
        // source is tagged first: the build then finds it locally, and nothing is pulled.
        var source = $"botbottle-smolvm/source:{id[..24]}";
        await EngineImage.TagAsync(engine, imageId, "botbottle-smolvm/source", id[..24], cancellationToken).ConfigureAwait(false);
        var tag = $"botbottle-smolvm/root:{id[..24]}";
        var context = Directory.CreateTempSubdirectory("bbt-derive-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(context.FullName, "Dockerfile"), $"FROM {source}\nUSER 0\n", cancellationToken).ConfigureAwait(false);
            await EngineImage.BuildAsync(engine, tag, context.FullName, "Dockerfile", logger, cancellationToken).ConfigureAwait(false);
            return tag;
        }
        finally
        {
            context.Delete(recursive: true);
        }
    }
}
