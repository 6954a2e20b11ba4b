namespace BotBottle.Testing.Bottles;

/// <summary>The escape sequences behind <see cref="TerminalStyle"/>.</summary>
internal static class TerminalEscapes
{
    private const string Osc = "\u001b]";
    private const string Bel = "\u0007";

    /// <summary>Sets the title (OSC 2) and background colour (OSC 11) that are given.</summary>
    public static string Apply(TerminalStyle style)
    {
        ArgumentNullException.ThrowIfNull(style);
        var text = "";
        if (style.Title.Length > 0)
        {
            text += Osc + "2;" + Clean(style.Title) + Bel;
        }

        if (style.Color.Length > 0)
        {
            text += Osc + "11;" + Clean(style.Color) + Bel;
        }

        return text;
    }

    /// <summary>Clears the title and resets the background colour (OSC 111) that <see cref="Apply"/> set.</summary>
    public static string Reset(TerminalStyle style)
    {
        ArgumentNullException.ThrowIfNull(style);
        var text = "";
        if (style.Title.Length > 0)
        {
            text += Osc + "2;" + Bel;
        }

        if (style.Color.Length > 0)
        {
            text += Osc + "111" + Bel;
        }

        return text;
    }

    private static string Clean(string value) => new(value.Where(c => !char.IsControl(c)).ToArray());
}
