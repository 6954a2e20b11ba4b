using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace BotBottle.Testing.MSBuild.Cli;

/// <summary>
/// Joins argv into one <c>ProcessStartInfo.Arguments</c> string that every .NET runtime splits back into the
/// same elements (the CommandLineToArgvW rules .NET uses on every OS); net472 has no ArgumentList.
/// </summary>
internal static class ArgumentQuoting
{
    public static string Join(IEnumerable<string> argv) => string.Join(" ", argv.Select(Quote));

    public static string Quote(string arg)
    {
        if (arg.Length > 0 && arg.All(c => c != ' ' && c != '\t' && c != '\n' && c != '"'))
        {
            return arg;
        }

        var quoted = new StringBuilder("\"");
        var backslashes = 0;
        foreach (var c in arg)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }

            quoted.Append('\\', c == '"' ? (backslashes * 2) + 1 : backslashes);
            backslashes = 0;
            quoted.Append(c);
        }

        return quoted.Append('\\', backslashes * 2).Append('"').ToString();
    }
}
