using BotBottle.Testing.Bottles;
using BotBottle.Testing.Checks;
using BotBottle.Testing.Facts;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>
/// The image ships no credential: none in its ENV and none assigned on the agent's login start path
/// (<c>/etc/environment</c>, <c>/etc/profile</c>, <c>/etc/profile.d</c>, the agent user's profiles). Read from the
/// engine (the image's config, and the files of a never-started container), so a lying shell or awk in the image
/// cannot hide one (<see cref="SecretScan"/>, which names each variable and where, never its value).
/// </summary>
internal sealed record ImageSecretsCheck : ConformanceCheck
{
    /// <inheritdoc />
    public override CheckKind Kind => ImageKind.Definition;

    /// <summary>Values that are placeholders, not secrets.</summary>
    public IReadOnlyList<string> Placeholders { get; init; } = [GuestEnvironment.PlaceholderToken];

    /// <inheritdoc />
    public override async Task<Finding> EvaluateAsync(ConformanceContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var entries = await SecretScan.ReadAsync(context.ImageFiles, cancellationToken).ConfigureAwait(false);
        var findings = SecretScan.Find(entries, Placeholders);
        var evidence = $"{entries.Count} assignment(s) read from the image's config and its start path through the engine (the scan's control found)" +
            string.Concat(findings.Select(f => "\npresent: " + f));
        return findings.Count == 0
            ? Finding.Pass("the image ships no credential in its ENV or on the agent's start path", evidence)
            : Finding.Fail("the image ships what looks like a real credential: " + string.Join("; ", findings), evidence);
    }
}
