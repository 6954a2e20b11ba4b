using BotBottle.Testing.Checks;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>
/// A kind of conformance check, described once: its name (the prefix of its checks' ids), its stable code, the stage
/// its checks run in unless the spec says otherwise, the top-level spec section it owns and how it reads it. The spec
/// parser is a driver over <see cref="CheckKinds.All"/>; a new kind is one file (its check and its kind) and one line there.
/// </summary>
internal abstract class CheckKind
{
    /// <summary>The kind's name: <c>user</c>, <c>file</c>, … (the prefix of its checks' ids, and the reports' <c>kind</c>).</summary>
    public abstract string Name { get; }

    /// <summary>The kind's stable code, declared here and never derived from where the kind is registered.</summary>
    public abstract CheckCode Code { get; }

    /// <summary>Where its checks run unless a spec entry gives <c>stage</c>.</summary>
    public virtual CheckStage Stage => CheckStage.Bottle;

    /// <summary>The top-level key of a spec it reads (<c>users</c>, <c>files</c>, …); null for a kind no spec declares (the launch).</summary>
    public virtual string? Section => null;

    /// <summary>The checks <paramref name="section"/> declares; every mistake goes to the section's reader, located.</summary>
    public virtual IReadOnlyList<ConformanceCheck> Read(SpecSection section) => [];

    /// <inheritdoc />
    public override string ToString() => Name;
}
