namespace BotBottle.Testing.Conformance.Checks;

/// <summary>What a command run by a conformance check returned.</summary>
/// <param name="ExitCode">Its exit code (124 when the limit ended it).</param>
/// <param name="Stdout">Its standard output.</param>
/// <param name="Stderr">Its standard error.</param>
/// <param name="Elapsed">How long it took, seen from the host.</param>
/// <param name="TimedOut">Whether the limit ended it.</param>
internal sealed record GuestRun(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed, bool TimedOut);
