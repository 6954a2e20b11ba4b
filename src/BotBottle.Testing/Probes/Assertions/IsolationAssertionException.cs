namespace BotBottle.Testing.Probes;

/// <summary>An isolation check did not pass; the message has the probe, its controls and the evidence.</summary>
public sealed class IsolationAssertionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public IsolationAssertionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public IsolationAssertionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public IsolationAssertionException()
    {
    }
}
