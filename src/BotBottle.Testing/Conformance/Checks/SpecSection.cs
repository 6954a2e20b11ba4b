using BotBottle.Testing.Checks;
using YamlDotNet.RepresentationModel;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>The top-level section of a spec a kind owns, with what the kind may read around it (the spec's agent settings).</summary>
/// <param name="name">The section's key (<c>users</c>).</param>
/// <param name="node">The section's value.</param>
/// <param name="reader">Typed reads that report every mistake located.</param>
/// <param name="agent">The spec's agent settings.</param>
/// <param name="needs">Where the ids each check needs are collected, for the driver to resolve once every kind has read.</param>
internal sealed class SpecSection(string name, YamlNode node, SpecReader reader, AgentSettings agent, Dictionary<string, IReadOnlyList<(string Id, YamlNode At)>> needs)
{
    /// <summary>The section's key (<c>users</c>).</summary>
    public string Name => name;

    /// <summary>The section's value.</summary>
    public YamlNode Node => node;

    /// <summary>Typed reads that report every mistake located.</summary>
    public SpecReader Reader => reader;

    /// <summary>The spec's agent settings.</summary>
    public AgentSettings Agent => agent;

    /// <summary>Where the section is.</summary>
    public SpecLocation Location => Reader.At(Node);

    /// <summary>The keys every entry may give besides its kind's.</summary>
    public static IReadOnlyList<string> CommonKeys { get; } = ["id", "title", "needs", "hint"];

    /// <summary>Each item of the section's list, as an entry with <paramref name="keys"/> and the common keys.</summary>
    public IReadOnlyList<SpecEntry> Entries(string what, IReadOnlyList<string> keys, IReadOnlyList<string> required) => Entries(Node, Name, what, keys, required);

    /// <summary>Each item of the list <paramref name="list"/> (named <paramref name="listName"/>), as an entry with <paramref name="keys"/> and the common keys.</summary>
    public IReadOnlyList<SpecEntry> Entries(YamlNode list, string listName, string what, IReadOnlyList<string> keys, IReadOnlyList<string> required) =>
        Reader.Sequence(list, listName).Select(item => Entry(item, what, keys, required)).OfType<SpecEntry>().ToList();

    /// <summary><paramref name="node"/> as one entry with <paramref name="keys"/> (the common keys only when <paramref name="common"/>).</summary>
    public SpecEntry? Entry(YamlNode node, string what, IReadOnlyList<string> keys, IReadOnlyList<string> required, bool common = true)
    {
        if (Reader.Mapping(node, what) is not { } map)
        {
            return null;
        }

        IReadOnlyList<string> allowed = common ? [.. keys, .. CommonKeys] : keys;
        return new SpecEntry(this, map, Reader.Fields(map, what, allowed, [.. required]));
    }

    /// <summary>Records the ids <paramref name="checkId"/> needs, for the driver to resolve once every kind has read.</summary>
    internal IReadOnlyList<(string Id, YamlNode At)> Needs(string checkId, YamlNode value, string what)
    {
        var ids = Reader.Ids(value, what);
        needs[checkId] = ids;
        return ids;
    }
}
