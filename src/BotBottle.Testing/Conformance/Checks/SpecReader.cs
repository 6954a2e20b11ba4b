using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

using BotBottle.Testing.Checks;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>
/// Typed reads of YAML nodes that never throw: every mistake becomes an error at the node's line and
/// column, so one pass reports all of them.
/// </summary>
internal sealed class SpecReader(string file)
{
    /// <summary>The spec's file name, for locations.</summary>
    public string File => file;

    private static readonly TimeSpan RegexLimit = TimeSpan.FromSeconds(1);
    private readonly List<(SpecLocation Location, string Message)> _errors = [];

    public IReadOnlyList<(SpecLocation Location, string Message)> Errors => _errors;

    public SpecLocation At(YamlNode node) => new(file, node.Start.Line, node.Start.Column);

    public void Error(YamlNode node, string message) => _errors.Add((At(node), message));

    public void Error(SpecLocation location, string message) => _errors.Add((location, message));

    public YamlMappingNode? Mapping(YamlNode node, string what)
    {
        if (node is YamlMappingNode map)
        {
            return map;
        }

        Error(node, $"{what} must be a mapping (key: value lines)");
        return null;
    }

    public IReadOnlyList<YamlNode> Sequence(YamlNode node, string what)
    {
        if (node is YamlSequenceNode sequence)
        {
            return sequence.Children.ToList();
        }

        Error(node, $"{what} must be a list ('- ' items)");
        return [];
    }

    /// <summary>The mapping's fields by key; unknown keys and missing required keys are errors.</summary>
    public Dictionary<string, YamlNode> Fields(YamlMappingNode map, string what, IReadOnlyCollection<string> allowed, params string[] required)
    {
        var fields = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                Error(keyNode, $"keys of {what} must be plain words");
                continue;
            }

            if (!allowed.Contains(key))
            {
                Error(keyNode, $"unknown key '{key}' in {what}; expected one of: {string.Join(", ", allowed)}");
                continue;
            }

            fields[key] = value;
        }

        foreach (var key in required.Where(k => !fields.ContainsKey(k)))
        {
            Error(map, $"{what} needs '{key}'");
        }

        return fields;
    }

    public string? String(YamlNode node, string what)
    {
        if (node is YamlScalarNode { Value: { Length: > 0 } value })
        {
            return value;
        }

        Error(node, $"{what} must be a non-empty text value");
        return null;
    }

    public int? Int(YamlNode node, string what)
    {
        if (node is YamlScalarNode { Value: { } text } && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Error(node, $"{what} must be a whole number");
        return null;
    }

    public bool? Bool(YamlNode node, string what)
    {
        if (node is YamlScalarNode { Value: { } text })
        {
            switch (text)
            {
                case "true": return true;
                case "false": return false;
            }
        }

        Error(node, $"{what} must be true or false");
        return null;
    }

    /// <summary>A duration: <c>500ms</c>, <c>5s</c>, <c>2m</c>, or a bare number of seconds; positive.</summary>
    public TimeSpan? Duration(YamlNode node, string what)
    {
        if (node is YamlScalarNode { Value: { } text })
        {
            var match = Regex.Match(text, @"^(\d+(?:\.\d+)?)(ms|s|m)?$", RegexOptions.None, RegexLimit);
            if (match.Success && double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount > 0)
            {
                return match.Groups[2].Value switch
                {
                    "ms" => TimeSpan.FromMilliseconds(amount),
                    "m" => TimeSpan.FromMinutes(amount),
                    _ => TimeSpan.FromSeconds(amount),
                };
            }
        }

        Error(node, $"{what} must be a positive duration such as 500ms, 5s or 2m");
        return null;
    }

    /// <summary>One text value or a list of them (at least one).</summary>
    public IReadOnlyList<string> Strings(YamlNode node, string what)
    {
        if (node is YamlScalarNode)
        {
            return String(node, what) is { } one ? [one] : [];
        }

        var items = Sequence(node, what);
        if (items.Count == 0 && node is YamlSequenceNode)
        {
            Error(node, $"{what} is an empty list");
        }

        return items.Select(item => String(item, $"each item of {what}")).OfType<string>().ToList();
    }

    /// <summary>A list of regular expressions (or one); an empty list checks nothing and is an error.</summary>
    public IReadOnlyList<Regex> Patterns(YamlNode node, string what)
    {
        IReadOnlyList<YamlNode> items = node is YamlScalarNode ? [node] : Sequence(node, what);
        if (items.Count == 0 && node is YamlSequenceNode)
        {
            Error(node, $"{what} is an empty pattern list, which checks nothing: give at least one pattern or leave the key out");
            return [];
        }

        var patterns = new List<Regex>();
        foreach (var item in items)
        {
            if (String(item, $"each pattern of {what}") is not { } text)
            {
                continue;
            }

            try
            {
                patterns.Add(new Regex(text, RegexOptions.Multiline | RegexOptions.CultureInvariant, RegexLimit));
            }
            catch (ArgumentException e)
            {
                Error(item, $"'{text}' in {what} is not a valid regular expression: {e.Message}");
            }
        }

        return patterns;
    }

    /// <summary>One check id or a list of them, each with its node (for a located error when it names no check).</summary>
    public IReadOnlyList<(string Id, YamlNode At)> Ids(YamlNode node, string what)
    {
        IReadOnlyList<YamlNode> items = node is YamlScalarNode ? [node] : Sequence(node, what);
        return items.Select(item => (String(item, $"each id of {what}"), item)).Where(x => x.Item1 is not null).Select(x => (x.Item1!, x.item)).ToList();
    }
}
