using BotBottle.Testing.Docker;
using BotBottle.Testing.Launch;
using BotBottle.Testing.Smolmachines;
using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Sessions;

/// <summary>The backends by name, for the command line (<c>--backend docker</c>); code configures backend objects.</summary>
internal static class BottleBackends
{
    /// <summary>Every backend name.</summary>
    public static IReadOnlyList<string> All { get; } = [DockerBackend.BackendName, SmolmachinesBackend.BackendName];

    /// <summary>Why <paramref name="name"/> names no backend, or null when it names one (checked without creating it).</summary>
    public static string? Problem(string name)
    {
        if (name.StartsWith(DockerBackend.BackendName + "@", StringComparison.Ordinal))
        {
            return Uri.TryCreate(name[(DockerBackend.BackendName.Length + 1)..], UriKind.Absolute, out _) ? null : $"'{name}' needs an engine address after docker@ (e.g. docker@unix:///var/run/docker.sock)";
        }

        return All.Contains(name, StringComparer.Ordinal) ? null : $"unknown backend '{name}'; known: {string.Join(", ", All)}, docker@ENDPOINT";
    }

    /// <summary>
    /// The backend called <paramref name="name"/>, with default options; <c>docker@ENDPOINT</c> is the docker backend
    /// on the engine at ENDPOINT (e.g. <c>docker@unix:///var/run/docker.sock</c>), so one run can compare engines.
    /// </summary>
    public static BottleBackend Create(string name, ILogger? logger = null) => name switch
    {
        _ when name.StartsWith(DockerBackend.BackendName + "@", StringComparison.Ordinal) =>
            new DockerBackend(new DockerBackendOptions { Endpoint = new Uri(name[(DockerBackend.BackendName.Length + 1)..]) }, logger),
        DockerBackend.BackendName => new DockerBackend(logger: logger),
        SmolmachinesBackend.BackendName => new SmolmachinesBackend(logger: logger),
        _ => throw new ArgumentException($"unknown backend '{name}'; known: {string.Join(", ", All)}", nameof(name)),
    };
}
