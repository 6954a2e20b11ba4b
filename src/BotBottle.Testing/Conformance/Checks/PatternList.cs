using System.Text.RegularExpressions;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>Matching a text against every pattern of a list, naming the ones that miss.</summary>
internal static class PatternList
{
    /// <summary>The patterns <paramref name="text"/> does not match (empty: all match).</summary>
    public static IReadOnlyList<Regex> Misses(IReadOnlyList<Regex> patterns, string text) =>
        patterns.Where(p => !p.IsMatch(text)).ToList();

    /// <summary><c>/a/, /b/</c>.</summary>
    public static string Describe(IEnumerable<Regex> patterns) => string.Join(", ", patterns.Select(p => "/" + p + "/"));

    /// <summary>The text cut to a readable length for a message.</summary>
    public static string Excerpt(string text, int max = 400)
    {
        var trimmed = text.Trim();
        return trimmed.Length == 0 ? "(nothing)" : trimmed.Length <= max ? trimmed : trimmed[..max] + " …";
    }
}
