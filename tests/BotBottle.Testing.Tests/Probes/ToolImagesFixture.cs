using BotBottle.Testing.Probes;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Probes;

/// <summary>
/// One probe range and one bottle per agent image with a different network tool set: the reference
/// (bash, OpenBSD nc, curl), busybox-only (BusyBox nc) and curl-only. All three share the range.
/// </summary>
public sealed class ToolImagesFixture : IAsyncLifetime
{
    public static readonly string[] Images = ["reference", "busybox-only", "curl-only"];

    private readonly RangeBottles _bottles = new();

    public ValueTask InitializeAsync() =>
        new(_bottles.LaunchAsync(Images.ToDictionary(i => i, i => new BottleSpec("botbottle/agent:" + i, TestImages.Spec.Bundle)), TestContext.Current.CancellationToken));

    public Task<(IBottle Bottle, RangeTargets Targets)> GetAsync(string image) => _bottles.GetAsync(image);

    public ValueTask DisposeAsync() => _bottles.DisposeAsync();
}
