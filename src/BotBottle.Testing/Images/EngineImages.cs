using BotBottle.Testing.Engine;

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
            if (!await EngineImage.ExistsAsync(engine, image, cancellationToken).ConfigureAwait(false))
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
