namespace BotBottle.Testing.Conformance.Checks;

/// <summary>A kind whose section is a list of entries with the same keys, one check per entry (users, files, commands, env).</summary>
internal abstract class ListKind : CheckKind
{
    /// <inheritdoc />
    public abstract override string Section { get; }

    /// <summary>One entry, for messages: "a user".</summary>
    protected abstract string What { get; }

    /// <summary>The keys of an entry besides the common ones (<c>id</c>, <c>title</c>, <c>needs</c>, <c>hint</c>).</summary>
    protected abstract IReadOnlyList<string> Keys { get; }

    /// <summary>The keys an entry must give.</summary>
    protected virtual IReadOnlyList<string> Required => [];

    /// <inheritdoc />
    public sealed override IReadOnlyList<ConformanceCheck> Read(SpecSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return section.Entries(What, Keys, Required).Select(entry => Read(entry) is { } check ? entry.Complete(check) : null).OfType<ConformanceCheck>().ToList();
    }

    /// <summary>The check <paramref name="entry"/> declares, with this kind's defaults for what it leaves out; null when the entry is unusable (its mistakes reported).</summary>
    protected abstract ConformanceCheck? Read(SpecEntry entry);
}
