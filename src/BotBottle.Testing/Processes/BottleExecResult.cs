namespace BotBottle.Testing.Processes;

/// <summary>What a command returned: a script run inside a bottle (and, inside the harness, a host process).</summary>
/// <param name="ExitCode">The exit code of the script (in the guest) or process.</param>
/// <param name="Stdout">Everything the script wrote to standard output.</param>
/// <param name="Stderr">Everything the script wrote to standard error.</param>
/// <param name="Duration">Wall-clock time of the exec round trip, retries included.</param>
public sealed record BottleExecResult(int ExitCode, string Stdout, string Stderr, TimeSpan Duration)
{
    /// <summary>True when the script exited with 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>
    /// Returns this result when its exit code is 0 (or one of <paramref name="acceptedExitCodes"/>),
    /// otherwise throws an <see cref="BottleExecFailedException"/> that shows the exit code, stdout and stderr.
    /// </summary>
    public BottleExecResult ThrowOnFailure(params int[] acceptedExitCodes)
    {
        var accepted = acceptedExitCodes.Length == 0 ? ExitCode == 0 : acceptedExitCodes.Contains(ExitCode);
        return accepted ? this : throw new BottleExecFailedException(this);
    }
}
