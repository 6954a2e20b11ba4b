using BotBottle.Testing.Bottles;
using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Diagnostics;

/// <summary>A logger that writes every message (and exception text) through <see cref="SecretValues.Mask"/> to the one it wraps.</summary>
internal sealed class MaskingLogger(ILogger inner) : ILogger
{
    /// <summary>Wraps <paramref name="logger"/> unless it already masks.</summary>
    public static ILogger Wrap(ILogger logger) => logger as MaskingLogger ?? new MaskingLogger(logger);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!inner.IsEnabled(logLevel))
        {
            return;
        }

        var message = SecretValues.Mask(formatter(state, exception));
        var masked = exception is null ? null : new MaskedException(exception);
        inner.Log(logLevel, eventId, message, masked, (m, _) => m);
    }

    /// <summary>An exception as its masked text, so a logger that prints exceptions prints no secret either.</summary>
    private sealed class MaskedException(Exception original) : Exception(SecretValues.Mask(original.Message))
    {
        public override string ToString() => SecretValues.Mask(original.ToString());
    }
}
