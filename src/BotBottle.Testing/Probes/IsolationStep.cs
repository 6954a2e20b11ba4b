namespace BotBottle.Testing.Probes;

/// <summary>An action from one vantage, with what it must observe: a check's probe, or one of its controls.</summary>
/// <param name="Id">Unique within a battery; letters, digits, '-', '.' and '_'.</param>
/// <param name="Vantage">Where it runs.</param>
/// <param name="Action">What it does.</param>
/// <param name="Expected">What it must observe.</param>
public sealed record IsolationStep(string Id, Vantage Vantage, StepAction Action, StepExpectation Expected)
{
    /// <summary>The step's own time limit (the battery runs every step at once, so this bounds the whole battery).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>"agent: tcp 127.0.0.1:9".</summary>
    public string Describe() => $"{Vantage.Name}: {Action.Describe()}";
}
