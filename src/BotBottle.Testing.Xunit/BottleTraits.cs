using Xunit.v3;

namespace BotBottle.Testing.Xunit;

/// <summary>Trait names and values the package uses, for <c>--filter "Category=Isolation"</c> and the like.</summary>
public static class BottleTraits
{
    /// <summary>The category trait's name.</summary>
    public const string Category = "Category";

    /// <summary>The backend trait's name.</summary>
    public const string Backend = "BottleBackend";

    /// <summary>Tests that probe a bottle's isolation.</summary>
    public const string Isolation = "Isolation";

    /// <summary>Tests that need a running bottle.</summary>
    public const string Bottle = "Bottle";
}

/// <summary>Marks an isolation test: traits <c>Category=Isolation</c> and <c>Category=Bottle</c>.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class IsolationTestAttribute : Attribute, ITraitAttribute
{
    /// <inheritdoc />
    public IReadOnlyCollection<KeyValuePair<string, string>> GetTraits() =>
        [new(BottleTraits.Category, BottleTraits.Isolation), new(BottleTraits.Category, BottleTraits.Bottle)];
}
