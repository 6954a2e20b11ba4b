using Xunit;
namespace BotBottle.Testing.Xunit;

/// <summary>
/// A base for test classes using a bottle fixture: each test's output starts with the fixture's launch lines, and when a
/// test fails, the bottle's and bundle's logs are attached to it (<c>bottle-logs</c>, <c>bundle-proxy-log</c>,
/// <c>bundle-dns-log</c>, <c>bundle-egress-log</c>) and written to its output.
/// </summary>
/// <typeparam name="TFixture">The fixture type.</typeparam>
public abstract class BottleTestClass<TFixture> : IAsyncLifetime
    where TFixture : BottleFixture
{
    /// <summary>Keeps the fixture for the tests and for the failure hook.</summary>
    protected BottleTestClass(TFixture fixture) => Fixture = fixture ?? throw new ArgumentNullException(nameof(fixture));

    /// <summary>The fixture.</summary>
    protected TFixture Fixture { get; }

    /// <inheritdoc />
    public virtual ValueTask InitializeAsync()
    {
        Fixture.WriteLaunchLog();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public virtual async ValueTask DisposeAsync()
    {
        if (TestContext.Current.TestState?.Result == TestResult.Failed)
        {
            await Fixture.AttachLogsAsync().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }
}
