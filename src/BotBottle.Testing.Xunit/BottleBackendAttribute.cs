using Xunit.v3;

namespace BotBottle.Testing.Xunit;

/// <summary>
/// Traits of a test that runs a bottle on <paramref name="backend"/>: <c>BottleBackend=&lt;name&gt;</c>
/// and <c>Category=Bottle</c>, so pipelines can run or leave out one backend
/// (<c>--filter "BottleBackend=docker"</c>). Gating itself is the fixture's (<see cref="BottleFixture.Bottle"/>)
/// or <see cref="BottleGate.RequireBackendAsync"/>'s: both skip with the precise reason.
/// </summary>
/// <param name="backend">The backend's name (its <c>BottleBackend.Name</c>): "docker", "smolmachines", or one of your own.</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true)]
public sealed class BottleBackendAttribute(string backend) : Attribute, ITraitAttribute
{
    /// <summary>The backend.</summary>
    public string Backend { get; } = backend;

    /// <inheritdoc />
    public IReadOnlyCollection<KeyValuePair<string, string>> GetTraits() =>
        [new(BottleTraits.Backend, Backend), new(BottleTraits.Category, BottleTraits.Bottle)];
}
