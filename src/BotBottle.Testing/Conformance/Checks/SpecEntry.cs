using System.Text.RegularExpressions;
using BotBottle.Testing.Checks;
using YamlDotNet.RepresentationModel;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>
/// One entry of a spec section (a mapping), read by key: every read of a key that is missing gives null (or an empty
/// list), every mistake is reported at its line and column, and <see cref="Complete{T}"/> applies the keys every
/// check shares (<c>id</c>, <c>title</c>, <c>needs</c>, <c>hint</c>, <c>stage</c>).
/// </summary>
internal sealed class SpecEntry
{
    private readonly SpecSection _section;
    private readonly Dictionary<string, YamlNode> _fields;

    internal SpecEntry(SpecSection section, YamlMappingNode node, Dictionary<string, YamlNode> fields)
    {
        _section = section;
        Node = node;
        _fields = fields;
    }

    /// <summary>The entry's mapping.</summary>
    public YamlMappingNode Node { get; }

    /// <summary>Where the entry is.</summary>
    public SpecLocation Location => Reader.At(Node);

    /// <summary>The section the entry is in.</summary>
    public SpecSection Section => _section;

    private SpecReader Reader => _section.Reader;

    /// <summary>Whether the entry gives <paramref name="key"/>.</summary>
    public bool Has(string key) => _fields.ContainsKey(key);

    /// <summary>The value of <paramref name="key"/>, when given.</summary>
    public YamlNode? this[string key] => _fields.GetValueOrDefault(key);

    /// <summary>A non-empty text value.</summary>
    public string? String(string key, string? what = null) => _fields.TryGetValue(key, out var n) ? Reader.String(n, what ?? key) : null;

    /// <summary>A whole number.</summary>
    public int? Int(string key, string? what = null) => _fields.TryGetValue(key, out var n) ? Reader.Int(n, what ?? key) : null;

    /// <summary><c>true</c> or <c>false</c>.</summary>
    public bool? Bool(string key, string? what = null) => _fields.TryGetValue(key, out var n) ? Reader.Bool(n, what ?? key) : null;

    /// <summary>A positive duration (<c>500ms</c>, <c>5s</c>, <c>2m</c>).</summary>
    public TimeSpan? Duration(string key, string? what = null) => _fields.TryGetValue(key, out var n) ? Reader.Duration(n, what ?? key) : null;

    /// <summary>One text value or a list of them; null when not given.</summary>
    public IReadOnlyList<string>? Strings(string key, string? what = null) => _fields.TryGetValue(key, out var n) ? Reader.Strings(n, what ?? key) : null;

    /// <summary>One pattern or a list of them; empty when not given.</summary>
    public IReadOnlyList<Regex> Patterns(string key, string? what = null) => _fields.TryGetValue(key, out var n) ? Reader.Patterns(n, what ?? key) : [];

    /// <summary><c> with uid 1001, home /h</c> for the keys given as plain values, for a default title; empty when none is.</summary>
    public string Describe(params string[] keys)
    {
        var given = keys.Where(k => _fields.GetValueOrDefault(k) is YamlScalarNode).Select(k => $"{k} {((YamlScalarNode)_fields[k]).Value}").ToList();
        return given.Count == 0 ? "" : " with " + string.Join(", ", given);
    }

    /// <summary>A mistake of the entry as a whole.</summary>
    public void Error(string message) => Reader.Error(Node, message);

    /// <summary>A mistake in the value of <paramref name="key"/> (at the entry when it is not given).</summary>
    public void Error(string key, string message) => Reader.Error(this[key] ?? Node, message);

    /// <summary>
    /// <paramref name="check"/> with what every entry may give: its location; <c>id</c> (the check's id becomes
    /// <c>kind.id</c>), <c>title</c>, <c>hint</c>, <c>needs</c>, and <c>stage</c> where its kind lets an entry choose it.
    /// </summary>
    public T Complete<T>(T check)
        where T : ConformanceCheck
    {
        ArgumentNullException.ThrowIfNull(check);
        check = check with { Location = Location };
        if (String("id") is { } id)
        {
            check = check with { Id = check.Kind.Name + "." + id };
        }

        if (String("title") is { } title)
        {
            check = check with { Title = title };
        }

        if (String("hint") is { } hint)
        {
            check = check with { Hint = hint };
        }

        if (this["stage"] is { } stage)
        {
            check = check with { Stage = Stage(stage, check.Stage) };
        }

        if (this["needs"] is { } needs)
        {
            check = check with { Needs = _section.Needs(check.Id, needs, "needs").Select(x => x.Id).ToList() };
        }

        return check;
    }

    private CheckStage Stage(YamlNode node, CheckStage fallback)
    {
        switch ((node as YamlScalarNode)?.Value)
        {
            case "image": return CheckStage.Image;
            case "bottle": return CheckStage.Bottle;
            default:
                Reader.Error(node, "stage must be 'image' (the image as shipped) or 'bottle' (a launched bottle)");
                return fallback;
        }
    }
}
