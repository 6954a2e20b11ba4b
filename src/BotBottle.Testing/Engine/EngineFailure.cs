using Docker.DotNet;

namespace BotBottle.Testing.Engine;

/// <summary>The engine's refusals, recognised and described without naming the client's exception types outside this layer.</summary>
internal static class EngineFailure
{
    /// <summary>Whether <paramref name="exception"/> is the engine refusing a request (an API error response).</summary>
    public static bool IsRefusal(Exception exception) => exception is DockerApiException;

    /// <summary>The engine's own words for a refusal (its response body), else the exception's message.</summary>
    public static string Reason(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return ((exception as DockerApiException)?.ResponseBody ?? exception.Message).Trim();
    }
}
