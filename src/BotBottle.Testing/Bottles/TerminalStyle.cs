namespace BotBottle.Testing.Bottles;

/// <summary>Optional terminal decoration around an interactive agent session.</summary>
/// <param name="Title">Window title set while the agent runs (OSC 2), or empty.</param>
/// <param name="Color">Background colour set while the agent runs (OSC 11, e.g. <c>#202020</c>), or empty.</param>
public sealed record TerminalStyle(string Title = "", string Color = "")
{
    /// <summary>No decoration.</summary>
    public static TerminalStyle None { get; } = new();

    /// <summary>True when neither a title nor a colour is set.</summary>
    public bool IsEmpty => Title.Length == 0 && Color.Length == 0;
}
