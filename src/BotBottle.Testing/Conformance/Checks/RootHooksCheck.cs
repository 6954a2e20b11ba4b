using BotBottle.Testing.Checks;
using BotBottle.Testing.Facts;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>
/// A directory whose programs a real bottle's provisioning runs as root holds none: e.g.
/// <c>/etc/ca-certificates/update.d</c>, every hook of which <c>update-ca-certificates</c> runs as root when a
/// bottle installs its proxy's CA. Read through the engine from a never-started container of the image, so no
/// image code runs to answer; each hook found is named.
/// </summary>
internal sealed record RootHooksCheck : ConformanceCheck
{
    /// <inheritdoc />
    public override CheckKind Kind => ImageKind.Definition;

    /// <summary>The directory (absolute) that must hold no hooks.</summary>
    public required string Path { get; init; }

    /// <inheritdoc />
    public override async Task<Finding> EvaluateAsync(ConformanceContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var entries = await ContainerFiles.ReadAsync(context.ImageFiles, Path, cancellationToken).ConfigureAwait(false);
        if (entries.Count == 0)
        {
            return Finding.Pass($"{Path} does not exist in the image, so no hook of it runs as root", "read through the engine's archive API from a never-started container");
        }

        var hooks = entries.Where(e => e.Kind != ArchivedFileKind.Directory).Select(Describe).ToList();
        if (entries[0].Kind != ArchivedFileKind.Directory)
        {
            return Finding.Fail($"{Path} is not a directory ({entries[0].Kind}), so what is there cannot be checked for hooks", string.Join("\n", hooks));
        }

        return hooks.Count == 0
            ? Finding.Pass($"{Path} holds no hooks", "read through the engine's archive API from a never-started container")
            : Finding.Fail($"{Path} holds {hooks.Count} hook(s) a bottle would run as root: {string.Join(", ", hooks)}", string.Join("\n", hooks));
    }

    private static string Describe(ArchivedFile file) => file.Kind == ArchivedFileKind.Symlink ? $"{file.Path} -> {file.LinkTarget}" : file.Path;
}
