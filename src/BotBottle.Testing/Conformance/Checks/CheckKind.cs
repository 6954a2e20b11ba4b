using BotBottle.Testing.Checks;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>
/// A kind of conformance check, described once: its name (the prefix of its checks' ids), its stable code, the stage
/// its checks run in unless the spec says otherwise, the top-level spec section it owns and how it reads it. The spec
/// parser is a driver over <see cref="CheckKinds.All"/>; a new kind is one file (its check with its kind) and one line there.
/// </summary>
internal sealed class CheckKind
{
    /// <summary>The kind's name: <c>user</c>, <c>file</c>, … (the prefix of its checks' ids, and the reports' <c>kind</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The kind's stable code, declared here and never derived from where the kind is registered.</summary>
    public required CheckCode Code { get; init; }

    /// <summary>Where its checks run unless a spec entry gives <c>stage</c>.</summary>
    public CheckStage Stage { get; init; } = CheckStage.Bottle;

    /// <summary>The top-level key of a spec it reads (<c>users</c>, <c>files</c>, …); null for a kind no spec declares (the launch).</summary>
    public string? Section { get; init; }

    /// <summary>How it reads its section into checks (<see cref="Entries"/> for a list of entries, one check each).</summary>
    public Func<SpecSection, IReadOnlyList<ConformanceCheck>> Reads { get; init; } = _ => [];

    /// <summary>The checks <paramref name="section"/> declares; every mistake goes to the section's reader, located.</summary>
    public IReadOnlyList<ConformanceCheck> Read(SpecSection section) => Reads(section);

    /// <summary>
    /// A section that is a list of entries with the same keys (<paramref name="keys"/> and the common ones), one check
    /// per entry: <paramref name="read"/> gives it (null for an unusable entry, its mistakes reported), with its kind's
    /// defaults for what the entry leaves out; the common keys are applied after.
    /// </summary>
    public static Func<SpecSection, IReadOnlyList<ConformanceCheck>> Entries(string what, IReadOnlyList<string> keys, IReadOnlyList<string> required, Func<SpecEntry, ConformanceCheck?> read) =>
        section => section.Entries(what, keys, required).Select(entry => read(entry) is { } check ? entry.Complete(check) : null).OfType<ConformanceCheck>().ToList();

    /// <inheritdoc />
    public override string ToString() => Name;
}
