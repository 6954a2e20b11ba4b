using System.Text;
using System.Text.RegularExpressions;

namespace BotBottle.Testing.Facts;

/// <summary>
/// The variable assignments a shell script makes, read statically (nothing is run): <c>NAME=value</c>,
/// <c>export NAME=value</c>, <c>declare -x NAME=value</c> (also <c>typeset</c>, <c>readonly</c>, <c>local</c>),
/// several on one line or after <c>;</c>, <c>&amp;&amp;</c>, <c>then</c>, with single and double quotes, backslashes and
/// comments honoured. A value built at run time (<c>$(…)</c>, <c>${…}</c>, arithmetic) is taken as written, not computed.
/// </summary>
internal static partial class ShellAssignments
{
    private static readonly HashSet<string> Declarers = new(StringComparer.Ordinal) { "export", "declare", "typeset", "readonly", "local" };
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal) { "then", "do", "else", "{", "(", "!", "if", "elif", "while", "until" };

    /// <summary>Every (name, value) <paramref name="script"/> assigns, in order.</summary>
    public static IEnumerable<(string Name, string Value)> Parse(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        foreach (var command in Commands(script))
        {
            var i = 0;
            while (i < command.Count && Keywords.Contains(command[i]))
            {
                i++;
            }

            var declared = i < command.Count && Declarers.Contains(command[i]);
            if (declared)
            {
                i++;
            }

            for (; i < command.Count; i++)
            {
                var word = command[i];
                if (declared && word.StartsWith('-'))
                {
                    continue; // declare -x, export -n, ...
                }

                if (Assignment().Match(word) is { Success: true } m)
                {
                    yield return (m.Groups[1].Value, m.Groups[2].Value);
                }
                else if (!declared)
                {
                    break; // NAME=value before a command: the rest are the command's arguments
                }
            }
        }
    }

    /// <summary>The script's simple commands, each a list of words with quotes removed.</summary>
    private static List<List<string>> Commands(string script)
    {
        var commands = new List<List<string>>();
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        void EndWord()
        {
            if (inWord)
            {
                words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
        }

        void EndCommand()
        {
            EndWord();
            if (words.Count > 0)
            {
                commands.Add(words);
                words = [];
            }
        }

        for (var i = 0; i < script.Length; i++)
        {
            var c = script[i];
            switch (c)
            {
                case '\\' when i + 1 < script.Length:
                    if (script[i + 1] != '\n')
                    {
                        word.Append(script[i + 1]);
                        inWord = true;
                    }

                    i++;
                    break;
                case '\'':
                    var close = script.IndexOf('\'', i + 1);
                    close = close < 0 ? script.Length : close;
                    word.Append(script, i + 1, close - i - 1);
                    inWord = true;
                    i = close;
                    break;
                case '"':
                    inWord = true;
                    for (i++; i < script.Length && script[i] != '"'; i++)
                    {
                        if (script[i] == '\\' && i + 1 < script.Length && script[i + 1] is '"' or '\\' or '$' or '`')
                        {
                            i++;
                        }

                        word.Append(script[i]);
                    }

                    break;
                case '#' when !inWord:
                    while (i + 1 < script.Length && script[i + 1] != '\n')
                    {
                        i++;
                    }

                    break;
                case ' ' or '\t' or '\r':
                    EndWord();
                    break;
                case '\n' or ';' or '&' or '|' or '(' or ')' or '`':
                    EndCommand();
                    break;
                default:
                    word.Append(c);
                    inWord = true;
                    break;
            }
        }

        EndCommand();
        return commands;
    }

    [GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_]*)\+?=(.*)$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Assignment();
}
