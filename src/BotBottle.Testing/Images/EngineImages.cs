using BotBottle.Testing.Engine;
using Docker.DotNet;

namespace BotBottle.Testing.Images;

/// <summary>
/// The launch's first check: every image a bottle needs is in the engine, so a missing one fails at once, naming
/// the image and how to get it, before anything is created (the engine would otherwise refuse it only at create,
/// with its own JSON).
/// </summary>
internal static class EngineImages
{
    public static async Task RequireAsync(DockerEngine engine, IEnumerable<string> images, CancellationToken cancellationToken)
    {
        var missing = new List<string>();
        foreach (var image in images.Distinct(StringComparer.Ordinal))
        {
            try
            {
                await engine.Client.Images.InspectImageAsync(image, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerImageNotFoundException)
            {
                missing.Add(image);
            }
        }

        if (missing.Count > 0)
        {
            throw new BottleImageNotFoundException(missing, engine.Endpoint.Uri.ToString());
        }
    }
}
