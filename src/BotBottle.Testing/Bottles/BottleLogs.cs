namespace BotBottle.Testing.Bottles;

/// <summary>What a bottle's two sides have logged so far.</summary>
/// <param name="Agent">The agent's log (container output), or a note saying why there is none.</param>
/// <param name="Bundle">The bundle container's log (its daemons' start-up and errors).</param>
public sealed record BottleLogs(string Agent, string Bundle)
{
    /// <summary>Both logs, headed, for a failure report.</summary>
    public override string ToString() => $"--- agent log ---\n{Agent.TrimEnd()}\n--- bundle log ---\n{Bundle.TrimEnd()}\n";
}
