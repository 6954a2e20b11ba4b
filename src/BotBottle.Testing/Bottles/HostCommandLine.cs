namespace BotBottle.Testing.Bottles;

/// <summary>A host command: its argv, and the environment it must be started with.</summary>
/// <param name="Argv">The argv (no secret in it).</param>
/// <param name="Environment">The variables to add to the process's environment (where the guest env travels, out of <c>ps</c>'s sight).</param>
public sealed record HostCommandLine(IReadOnlyList<string> Argv, IReadOnlyDictionary<string, string?> Environment);
