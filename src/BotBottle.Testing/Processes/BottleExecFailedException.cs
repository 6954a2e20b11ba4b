using BotBottle.Testing.Diagnostics;

namespace BotBottle.Testing.Processes;

/// <summary>Thrown by <see cref="BottleExecResult.ThrowOnFailure"/>; its message carries all three outputs.</summary>
public sealed class BottleExecFailedException : Exception
{
    /// <summary>Creates the exception for a failed exec.</summary>
    public BottleExecFailedException(BottleExecResult result)
        : base(Describe(result)) => Result = result;

    /// <summary>The failed result.</summary>
    public BottleExecResult Result { get; }

    private static string Describe(BottleExecResult r) => SecretValues.Mask(
        $"exec exited with {r.ExitCode} after {r.Duration.TotalMilliseconds:0} ms" + Environment.NewLine +
        "--- stdout ---" + Environment.NewLine + Trim(r.Stdout) + Environment.NewLine +
        "--- stderr ---" + Environment.NewLine + Trim(r.Stderr));

    private static string Trim(string s) => s.Length == 0 ? "(empty)" : s.TrimEnd('\n');
}
