using Microsoft.Extensions.Logging;
using Xunit;

namespace BotBottle.Testing.Xunit;

/// <summary>
/// The fixtures' logger: every line (Information and up) goes to the running test's output, or, while no test runs (a
/// class, collection or assembly fixture launching), into the fixture's launch log, which every test of the fixture
/// then gets at its start (<see cref="BottleTestClass{TFixture}"/>). Each line is also an xunit diagnostic message.
/// </summary>
internal sealed class TestOutputLogger(Action<string> write) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var text = formatter(state, exception);
        write(logLevel >= LogLevel.Warning ? $"{logLevel.ToString().ToLowerInvariant()}: {text}" : text);
    }
}
