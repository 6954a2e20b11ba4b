using BotBottle.Testing.Bottles;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Testing.Images;

/// <summary>
/// The reference bottle images (<c>botbottle/agent:reference</c>, <c>botbottle/bundle:reference</c>), built from
/// the recipes this package carries: one call, <c>await ReferenceImages.EnsureAsync(ct)</c>, or one command,
/// <c>botbottle images</c>. An image whose recipe has not changed is not built again (each is labelled with its
/// recipe's hash).
/// </summary>
public static class ReferenceImages
{
    /// <summary>The command that builds the reference images, as error messages name it.</summary>
    public const string BuildCommand = "botbottle images";

    /// <summary>The reference agent image (<c>BOTBOTTLE_AGENT_IMAGE</c> overrides it).</summary>
    public static string Agent => ReferenceImageNames.Agent;

    /// <summary>The reference bundle image (<c>BOTBOTTLE_BUNDLE_IMAGE</c> overrides it).</summary>
    public static string Bundle => ReferenceImageNames.Bundle;

    /// <summary>
    /// The harness's prober image (<c>botbottle/prober:reference</c>): its tools run the network probes from the agent's
    /// network namespace and its tcpdump is the wire witness, so no verdict rests on a tool of the agent image.
    /// </summary>
    public static string Prober => ReferenceImageNames.Prober;

    /// <summary>Builds the reference images on the local docker engine unless they are up to date.</summary>
    /// <param name="cancellationToken">Stops the build.</param>
    public static Task<IReadOnlyList<string>> EnsureAsync(CancellationToken cancellationToken = default) =>
        EnsureAsync(new ReferenceImageOptions(), cancellationToken);

    /// <summary>Builds the reference images on the local docker engine unless they are up to date.</summary>
    /// <param name="options">How to build them and where progress goes.</param>
    /// <param name="cancellationToken">Stops the build.</param>
    /// <returns>The images, present and up to date.</returns>
    /// <exception cref="ReferenceImageException">The build failed; the message carries its last lines.</exception>
    public static Task<IReadOnlyList<string>> EnsureAsync(ReferenceImageOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ImageRecipes.BuildAsync(options, options.Logger ?? NullLogger.Instance, cancellationToken);
    }

    /// <summary>True when <paramref name="image"/> is one of the reference images (the ones <see cref="EnsureAsync(CancellationToken)"/> builds).</summary>
    public static bool IsReference(string image) =>
        string.Equals(image, ImageRecipes.AgentTag, StringComparison.Ordinal) || string.Equals(image, ImageRecipes.BundleTag, StringComparison.Ordinal)
        || string.Equals(image, ImageRecipes.ProberTag, StringComparison.Ordinal);
}

/// <summary>How <see cref="ReferenceImages.EnsureAsync(ReferenceImageOptions, CancellationToken)"/> builds.</summary>
public sealed record ReferenceImageOptions
{
    /// <summary>Which of the two recipes' paths builds them; both give the same contents.</summary>
    public ReferenceImageBuild Build { get; init; } = ReferenceImageBuild.Auto;

    /// <summary>Where the recipes are unpacked (default: <c>$XDG_CACHE_HOME/botbottle/images</c> or <c>~/.cache/botbottle/images</c>).</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Each progress line of the build, as it comes.</summary>
    public Action<string>? Progress { get; init; }

    /// <summary>Where the harness's own diagnostics go.</summary>
    public ILogger? Logger { get; init; }
}

/// <summary>The two ways the recipes build the same images.</summary>
public enum ReferenceImageBuild
{
    /// <summary>Offline where it can run (root with apt), else the Dockerfiles.</summary>
    Auto,

    /// <summary>mmdebstrap from Debian's packages plus npm, then <c>docker import</c>: no registry needed (root with apt).</summary>
    Offline,

    /// <summary><c>docker build</c> of the Dockerfiles, <c>FROM debian:bookworm-slim</c>: needs a registry.</summary>
    Dockerfile,
}

/// <summary>Building the reference images failed.</summary>
public sealed class ReferenceImageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ReferenceImageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ReferenceImageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ReferenceImageException()
    {
    }
}
