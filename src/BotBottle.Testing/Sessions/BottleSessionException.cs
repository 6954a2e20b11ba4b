namespace BotBottle.Testing.Sessions;

/// <summary>The session's bottle cannot be used; the inner exception is the real cause.</summary>
public sealed class BottleSessionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BottleSessionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public BottleSessionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public BottleSessionException()
    {
    }
}
