using BotBottle.Testing.Checks;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>
/// The kind of the checks read from the image through the engine, no image code run (section <c>image</c>, code
/// BBT0208, image stage): <c>root-hooks</c> (directories a bottle's provisioning runs as root, <see cref="RootHooksCheck"/>)
/// and <c>secrets</c> (<see cref="ImageSecretsCheck"/>).
/// </summary>
internal static class ImageKind
{
    /// <summary>The kind.</summary>
    public static CheckKind Definition { get; } = new() { Name = "image", Code = new(208), Stage = CheckStage.Image, Section = "image", Reads = Read };

    private static List<ConformanceCheck> Read(SpecSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        if (section.Entry(section.Node, "image", ["root-hooks", "secrets"], [], common: false) is not { } image)
        {
            return [];
        }

        var checks = new List<ConformanceCheck>();
        if (image["root-hooks"] is { } hooks)
        {
            foreach (var entry in section.Entries(hooks, "image.root-hooks", "a root-hooks entry", ["path"], ["id", "path"]))
            {
                if (entry.String("path", "a root-hooks path") is not { } path || !entry.Has("id"))
                {
                    continue;
                }

                if (!path.StartsWith('/'))
                {
                    entry.Error("path", $"the root-hooks path '{path}' must be absolute");
                }

                checks.Add(entry.Complete(new RootHooksCheck { Id = "image", Title = $"{path} holds no hooks a bottle would run as root", Path = path }));
            }
        }

        if (image["secrets"] is { } node && section.Entry(node, "image.secrets", ["placeholders"], []) is { } secrets)
        {
            var check = new ImageSecretsCheck { Id = "image.no-secrets", Title = "The image ships no credential in its ENV or on the agent's start path" };
            checks.Add(secrets.Complete(check with { Placeholders = secrets.Strings("placeholders", "image.secrets.placeholders") ?? check.Placeholders }));
        }

        return checks;
    }
}
