using System.Text.RegularExpressions;

namespace BotBottle.Testing.Diagnostics;

/// <summary>
/// Keeps token-like values out of logs: any <c>K=V</c> whose key names a secret (TOKEN, SECRET, KEY,
/// PASSWORD, AUTH, CREDENTIAL, COOKIE) is shown as <c>K=***</c>, and known secret values are masked
/// wherever they appear in free text.
/// </summary>
internal static partial class SecretRedactor
{
    /// <summary>The replacement text.</summary>
    public const string Mask = Diagnostics.SecretValues.Replacement;

    /// <summary>True when an env key looks like it holds a secret.</summary>
    public static bool IsSecretKey(string key) => SecretKey().IsMatch(key);

    /// <summary>Masks the value of every secret-looking <c>K=V</c> element; other elements pass unchanged.</summary>
    public static IReadOnlyList<string> RedactArgv(IEnumerable<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        return argv.Select(RedactAssignment).ToList();
    }

    /// <summary>Masks the value of one <c>K=V</c> element when K names a secret.</summary>
    public static string RedactAssignment(string element)
    {
        ArgumentNullException.ThrowIfNull(element);
        var eq = element.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            return element;
        }

        var key = element[..eq];
        return key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && IsSecretKey(key) ? key + "=" + Mask : element;
    }

    /// <summary>Masks every value of a secret-looking key from <paramref name="env"/> wherever it occurs in <paramref name="text"/>.</summary>
    public static string RedactText(string text, IEnumerable<KeyValuePair<string, string>> env)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(env);
        foreach (var (key, value) in env)
        {
            if (value.Length >= 4 && IsSecretKey(key))
            {
                text = text.Replace(value, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <summary>Renders argv for a log line: secrets masked, each element quoted when it needs to be.</summary>
    public static string FormatForLog(IEnumerable<string> argv) =>
        string.Join(' ', RedactArgv(argv).Select(ShellQuoting.Quote));

    [GeneratedRegex("(TOKEN|SECRET|KEY|PASSWORD|PASSWD|AUTH|CREDENTIAL|COOKIE)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretKey();
}
