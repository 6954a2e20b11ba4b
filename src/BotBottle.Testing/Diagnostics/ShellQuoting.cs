namespace BotBottle.Testing.Diagnostics;

/// <summary>POSIX shell single-quoting, for the rare places a value must sit inside a shell word.</summary>
internal static class ShellQuoting
{
    /// <summary>Quotes <paramref name="value"/> so a POSIX shell reads it back unchanged.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "@%+=:,./-_".Contains(c, StringComparison.Ordinal)))
        {
            return value;
        }

        return "'" + value.Replace("'", "'\"'\"'", StringComparison.Ordinal) + "'";
    }
}
