namespace BotBottle.Testing.Images;

/// <summary>
/// An image the bottle needs is not in the engine. Raised by the launch's first step, before anything is created;
/// the message names each image and how to get it.
/// </summary>
public sealed class BottleImageNotFoundException : Exception
{
    /// <summary>Creates the exception for <paramref name="images"/> missing from the engine at <paramref name="engine"/>.</summary>
    public BottleImageNotFoundException(IReadOnlyList<string> images, string engine)
        : base(Describe(images, engine))
    {
        Images = images;
    }

    /// <summary>Creates the exception.</summary>
    public BottleImageNotFoundException()
        : this([], "")
    {
    }

    /// <summary>Creates the exception.</summary>
    public BottleImageNotFoundException(string message)
        : base(message)
    {
        Images = [];
    }

    /// <summary>Creates the exception.</summary>
    public BottleImageNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
        Images = [];
    }

    /// <summary>The images that are missing.</summary>
    public IReadOnlyList<string> Images { get; }

    private static string Describe(IReadOnlyList<string> images, string engine)
    {
        var names = string.Join(", ", images);
        var reference = images.Where(ReferenceImages.IsReference).ToList();
        var fix = reference.Count == images.Count
            ? $"build the reference images with `{ReferenceImages.BuildCommand}` (the BotBottle.Testing.Cli tool) or `await ReferenceImages.EnsureAsync(ct)`"
            : $"build or pull it (`docker build -t IMAGE …`, `docker pull IMAGE`){(reference.Count > 0 ? $"; the reference images come from `{ReferenceImages.BuildCommand}`" : "")}";
        return $"image {names} is not in the docker engine at {engine}: {fix}";
    }
}
