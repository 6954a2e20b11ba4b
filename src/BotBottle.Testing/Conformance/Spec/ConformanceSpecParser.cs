using BotBottle.Testing.Checks;
using BotBottle.Testing.Conformance.Checks;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BotBottle.Testing.Conformance.Spec;

/// <summary>
/// Reads a YAML conformance spec: a driver over the registered check kinds (<see cref="CheckKinds.All"/>), each of
/// which reads its own section. The driver owns only what is the spec's: <c>name</c>, <c>launch</c>, the agent
/// settings, duplicate ids and needs that name no check. Every mistake is collected with its file, line and column
/// and thrown together in one <see cref="ConformanceSpecException"/>.
/// </summary>
internal static class ConformanceSpecParser
{
    /// <summary>Reads the spec at <paramref name="path"/>.</summary>
    public static ConformanceSpec Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses <paramref name="yaml"/>; <paramref name="file"/> names it in error locations; <paramref name="kinds"/> are the kinds it may declare (all registered ones by default).</summary>
    public static ConformanceSpec Parse(string yaml, string file = "spec.yaml", IReadOnlyList<CheckKind>? kinds = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var reader = new SpecReader(file);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new ConformanceSpecException([new SpecError(new SpecLocation(file, e.Start.Line, e.Start.Column), "not valid YAML: " + (e.InnerException?.Message ?? e.Message))]);
        }

        if (stream.Documents.Count != 1)
        {
            throw new ConformanceSpecException([new SpecError(new SpecLocation(file, 1, 1), $"a spec is one YAML document; this has {stream.Documents.Count}")]);
        }

        var spec = reader.Mapping(stream.Documents[0].RootNode, "the spec") is { } root ? Build(reader, root, file, kinds ?? CheckKinds.All) : null;
        if (spec is null || reader.Errors.Count > 0)
        {
            throw new ConformanceSpecException(reader.Errors.Select(e => new SpecError(e.Location, e.Message)).ToList());
        }

        return spec;
    }

    private static ConformanceSpec Build(SpecReader reader, YamlMappingNode root, string file, IReadOnlyList<CheckKind> kinds)
    {
        string[] keys = ["name", "agent", "launch", .. kinds.Select(k => k.Section).OfType<string>()];
        var top = reader.Fields(root, "the spec", keys.Distinct(StringComparer.Ordinal).ToList(), "name");
        var name = top.TryGetValue("name", out var n) ? reader.String(n, "name") : null;
        var agent = top.TryGetValue("agent", out var a) ? AgentSettings.Read(reader, a) : new AgentSettings();
        var launchNeeds = new List<(string Id, YamlNode At)>();
        if (top.TryGetValue("launch", out var l) && reader.Mapping(l, "launch") is { } launch
            && reader.Fields(launch, "launch", ["needs"], "needs").TryGetValue("needs", out var needs))
        {
            launchNeeds.AddRange(reader.Ids(needs, "launch.needs"));
        }

        var pendingNeeds = new Dictionary<string, IReadOnlyList<(string Id, YamlNode At)>>(StringComparer.Ordinal);
        var checks = new List<ConformanceCheck>();
        foreach (var kind in kinds)
        {
            if (kind.Section is { } section && top.TryGetValue(section, out var node))
            {
                foreach (var check in kind.Read(new SpecSection(section, node, reader, agent, pendingNeeds)))
                {
                    Add(reader, checks, check);
                }
            }
        }

        CheckReferences(reader, checks, pendingNeeds, launchNeeds);
        return new ConformanceSpec
        {
            Name = name ?? "unnamed",
            Source = file,
            Agent = agent,
            LaunchNeeds = launchNeeds.Select(x => x.Id).ToList(),
            Checks = checks,
        };
    }

    private static void Add(SpecReader reader, List<ConformanceCheck> checks, ConformanceCheck check)
    {
        if (checks.Any(c => c.Id == check.Id))
        {
            reader.Error(check.Location ?? new SpecLocation(reader.File, 1, 1), $"the id '{check.Id}' is used twice; give one of them another 'id'");
            return;
        }

        checks.Add(check);
    }

    private static void CheckReferences(SpecReader reader, List<ConformanceCheck> checks, Dictionary<string, IReadOnlyList<(string Id, YamlNode At)>> pendingNeeds, List<(string Id, YamlNode At)> launchNeeds)
    {
        var byId = checks.ToDictionary(c => c.Id, StringComparer.Ordinal);
        foreach (var (id, at) in launchNeeds)
        {
            if (!byId.TryGetValue(id, out var needed))
            {
                reader.Error(at, $"launch needs '{id}', which no check of the spec has; ids: {string.Join(", ", byId.Keys)}");
            }
            else if (needed.Stage != CheckStage.Image)
            {
                reader.Error(at, $"launch needs '{id}', which runs in the bottle; the launch can only need image checks");
            }
        }

        foreach (var (checkId, needs) in pendingNeeds)
        {
            var stage = byId[checkId].Stage;
            foreach (var (id, at) in needs)
            {
                if (id != ConformanceSpec.LaunchCheckId && !byId.ContainsKey(id))
                {
                    reader.Error(at, $"'{checkId}' needs '{id}', which no check of the spec has");
                }
                else if (stage == CheckStage.Image && (id == ConformanceSpec.LaunchCheckId || byId[id].Stage == CheckStage.Bottle))
                {
                    reader.Error(at, $"'{checkId}' runs on the image as shipped and cannot need '{id}', which runs in the bottle");
                }
                else if (id == checkId)
                {
                    reader.Error(at, $"'{checkId}' needs itself");
                }
            }
        }
    }
}
