using System;
using System.Linq;
using System.Text.RegularExpressions;

namespace BotBottle.Testing.MSBuild.Cli;

/// <summary>
/// What a build log line may carry: no stack trace (frames and their separators are dropped), no leading
/// punctuation or whitespace (a logger puts its own prefix before it), one line.
/// </summary>
internal static class LogText
{
    private static readonly Regex StackFrame = new(@"^\s*(at \S.*|--- End of .*---)\s*$", RegexOptions.CultureInvariant);

    public static bool IsStackFrame(string line) => StackFrame.IsMatch(line);

    public static string Clean(string text)
    {
        var lines = text.Replace("\r", "").Replace(" | ", "\n").Split('\n').Where(l => !StackFrame.IsMatch(l)).Select(l => l.Trim()).Where(l => l.Length > 0);
        var joined = string.Join(" | ", lines);
        var start = 0;
        while (start < joined.Length && (char.IsPunctuation(joined[start]) || char.IsSymbol(joined[start]) || char.IsWhiteSpace(joined[start])))
        {
            start++;
        }

        return start == joined.Length ? joined : joined.Substring(start);
    }
}
