using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Engine;

/// <summary>What the engine reports of one image: its id (<c>sha256:…</c>), its <c>USER</c> and its <c>ENV</c>.</summary>
internal sealed record ImageDetails(string Id, string User, IReadOnlyList<string> Env);

/// <summary>The images of an engine: whether one is there, what it says of itself, its tags, saving, tagging and building one.</summary>
internal static class EngineImage
{
    /// <summary>Whether <paramref name="image"/> (a reference or an id) is in the engine.</summary>
    public static async Task<bool> ExistsAsync(DockerEngine engine, string image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        try
        {
            await engine.Client.Images.InspectImageAsync(image, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }

    /// <summary>What the engine reports of <paramref name="image"/> (a reference or an id).</summary>
    public static async Task<ImageDetails> InspectAsync(DockerEngine engine, string image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var inspect = await engine.Client.Images.InspectImageAsync(image, cancellationToken).ConfigureAwait(false);
        return new ImageDetails(inspect.ID, inspect.Config?.User ?? "", [.. inspect.Config?.Env ?? []]);
    }

    /// <summary>Every tag of every image in the engine (untagged images left out).</summary>
    public static async Task<IReadOnlyList<string>> TagsAsync(DockerEngine engine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var images = await engine.Client.Images.ListImagesAsync(new ImagesListParameters(), cancellationToken).ConfigureAwait(false);
        return [.. images.SelectMany(i => i.RepoTags ?? []).Where(t => t != "<none>:<none>")];
    }

    /// <summary>Writes <paramref name="image"/> as a <c>docker save</c> archive to <paramref name="destination"/>.</summary>
    public static async Task SaveAsync(DockerEngine engine, string image, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(destination);
        using var saved = await engine.Client.Images.SaveImageAsync(image, cancellationToken).ConfigureAwait(false);
        await saved.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Tags <paramref name="image"/> as <paramref name="repository"/>:<paramref name="tag"/>.</summary>
    public static Task TagAsync(DockerEngine engine, string image, string repository, string tag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.Client.Images.TagImageAsync(image, new ImageTagParameters { RepositoryName = repository, Tag = tag }, cancellationToken);
    }

    /// <summary>
    /// Builds <paramref name="tag"/> from the Dockerfile <paramref name="dockerfile"/> in <paramref name="directory"/>
    /// (Testcontainers' image builder, on the harness's negotiated endpoint, labelled as the harness's, never cleaned up by Ryuk).
    /// </summary>
    public static Task BuildAsync(DockerEngine engine, string tag, string directory, string dockerfile, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return new ImageFromDockerfileBuilder()
            .WithDockerEndpoint(engine.TestcontainersEndpoint)
            .WithCleanUp(false)
            .WithLogger(logger)
            .WithName(tag)
            .WithDockerfileDirectory(directory)
            .WithDockerfile(dockerfile)
            .WithLabel(ResourceLabels.Harness, ResourceLabels.HarnessName)
            .Build()
            .CreateAsync(cancellationToken);
    }
}
