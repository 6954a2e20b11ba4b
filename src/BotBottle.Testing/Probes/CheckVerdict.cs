namespace BotBottle.Testing.Probes;

/// <summary>How an isolation check came out.</summary>
public enum CheckVerdict
{
    /// <summary>Every control passed and the probe observed what a correct bottle answers.</summary>
    Passed,

    /// <summary>Every control passed and the probe observed something a correct bottle does not answer.</summary>
    Failed,

    /// <summary>A control failed, so the probe's answer proves nothing either way.</summary>
    Inconclusive,
}
