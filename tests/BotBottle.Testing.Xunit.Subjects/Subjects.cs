using BotBottle.Testing.Bottles;
using BotBottle.Testing.Smolmachines;
using BotBottle.Testing.Sessions;
using BotBottle.Testing.Xunit;
using Xunit;

namespace BotBottle.Testing.Xunit.Subjects;

/// <summary>A fixture on a backend this Linux machine cannot run (smolmachines needs Darwin or KVM, and smolvm).</summary>
public sealed class UnavailableBackendFixture : BottleFixture
{
    protected override BottleSessionOptions Configure(BottleSessionOptions options) => options with { Bottle = options.Bottle.WithBackend(new SmolmachinesBackend()) };
}

/// <summary>A docker fixture whose agent image does not exist: the launch fails half-way.</summary>
public sealed class MissingImageFixture : BottleFixture
{
    public const string Image = "botbottle/agent:does-not-exist";

    private static int _launches;

    public static int Launches => Volatile.Read(ref _launches);

    protected override BottleSessionOptions Configure(BottleSessionOptions options)
    {
        Interlocked.Increment(ref _launches);
        return options with { Bottle = options.Bottle.WithAgentImage(Image) };
    }
}

public sealed class SkipsWhereTheBackendCannotRun(UnavailableBackendFixture fixture) : IClassFixture<UnavailableBackendFixture>
{
    [Fact]
    public void Touches_the_bottle() => Assert.NotNull(fixture.Bottle);

    [Fact]
    public void Touches_it_again() => Assert.NotNull(fixture.Bottle);
}

public sealed class RethrowsTheLaunchFailure(MissingImageFixture fixture) : IClassFixture<MissingImageFixture>
{
    [Fact]
    public void Touches_the_bottle() => Assert.NotNull(fixture.Bottle);

    [Fact]
    public void Touches_it_again() => Assert.NotNull(fixture.Bottle);

    [Fact]
    public void Never_touches_the_bottle() => Assert.True(true);
}

[BottleBackend("docker")]
[IsolationTest]
public sealed class CarriesTraits
{
    [Fact]
    public void Anything() => Assert.True(true);
}

public sealed class AttachesLogsWhenATestFails(DockerBottleFixture fixture)
    : BottleTestClass<DockerBottleFixture>(fixture), IClassFixture<DockerBottleFixture>
{
    /// <summary>A host the proxy denies (it shows in the proxy log) and a name the agent looks up (it shows in the DNS log).</summary>
    public const string DeniedHost = "denied-23b.example.test";

    public const string LookedUpName = "looked-up-23b.example.test";

    [Fact]
    public async Task Fails_after_using_the_bottle()
    {
        var ct = TestContext.Current.CancellationToken;
        await Fixture.Bottle.ExecAsync(["curl", "-s", "-o", "/dev/null", "--max-time", "5", "https://" + DeniedHost + "/"], ct);
        await Fixture.Bottle.ExecAsync(["getent", "hosts", LookedUpName], ct);
        var result = await Fixture.Bottle.ExecAsync("echo hello from the agent", cancellationToken: ct);
        Assert.Fail("deliberate failure after: " + result.Stdout.Trim());
    }

    [Fact]
    public void Passes() => Assert.NotNull(Fixture.Bottle);
}
