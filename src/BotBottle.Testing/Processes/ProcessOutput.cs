namespace BotBottle.Testing.Processes;

/// <summary>What a host process returned.</summary>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="Stdout">Its standard output.</param>
/// <param name="Stderr">Its standard error.</param>
/// <param name="Duration">How long it ran.</param>
internal sealed record ProcessOutput(int ExitCode, string Stdout, string Stderr, TimeSpan Duration);
