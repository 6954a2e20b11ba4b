using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Tests.Support;

/// <summary>Keeps every formatted log line (and exception text) a component writes, to assert on order and content.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToList();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        _lines.Enqueue(formatter(state, exception) + (exception is null ? "" : " | " + exception));
    }

    /// <summary>The values of lines that start with <paramref name="prefix"/>, in order.</summary>
    public IReadOnlyList<string> After(string prefix) =>
        Lines.Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => l[prefix.Length..]).ToList();
}
