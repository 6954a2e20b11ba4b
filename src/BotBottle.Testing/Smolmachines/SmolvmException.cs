namespace BotBottle.Testing.Smolmachines;

/// <summary>
/// smolvm itself failed (as opposed to the guest command). smolvm reports its own failures as exit 1
/// with <c>Error: …</c> on stderr, which is how the harness tells them from a guest exit 1.
/// </summary>
public sealed class SmolvmException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SmolvmException(string message, int? exitCode = null, string? stderr = null)
        : base(message)
    {
        ExitCode = exitCode;
        Stderr = stderr;
    }

    /// <summary>smolvm's exit code, when it ran.</summary>
    public int? ExitCode { get; }

    /// <summary>smolvm's stderr, when it ran.</summary>
    public string? Stderr { get; }

    /// <summary>True for smolvm's own failure shape: exit 1 and stderr starting with <c>Error:</c>.</summary>
    public static bool IsSmolvmFailure(int exitCode, string stderr) =>
        exitCode == 1 && stderr.TrimStart().StartsWith("Error:", StringComparison.Ordinal);
}
