using BotBottle.Testing.Docker;
using BotBottle.Testing.Launch;
using BotBottle.Testing.Smolmachines;
using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Sessions;

/// <summary>
/// The one registry of backends by name, for where a user names one by string (<c>--backend docker</c>, an MSBuild
/// property, an env var): each name is resolved here, once, into a configured <see cref="BottleBackend"/>, which carries
/// its own name and label from then on. <c>NAME@ENDPOINT</c> is the backend <c>NAME</c> with its bundles on the docker
/// engine at <c>ENDPOINT</c> (<c>docker@unix:///var/run/docker.sock</c>), so one run can compare engines. Code
/// configures backend objects directly.
/// </summary>
/// <example><code>BottleBackend backend = BottleBackends.Create("docker@ssh://ci@build-2");   // Name "docker", labelled with its engine</code></example>
internal static class BottleBackends
{
    /// <summary>A backend kind: how to create it with default options, and on a given engine.</summary>
    private sealed record Kind(string Name, Func<ILogger?, BottleBackend> Create, Func<Uri, ILogger?, BottleBackend> OnEngine);

    private static readonly Kind[] Kinds =
    [
        new(DockerBackend.BackendName, logger => new DockerBackend(logger: logger), (engine, logger) => new DockerBackend(new DockerBackendOptions { Endpoint = engine }, logger)),
        new(SmolmachinesBackend.BackendName, logger => new SmolmachinesBackend(logger: logger), (engine, logger) => new SmolmachinesBackend(new SmolmachinesOptions { DockerEndpoint = engine }, logger)),
    ];

    /// <summary>Every registered backend name, in the order a run with no choice uses them.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Kinds.Select(k => k.Name)];

    /// <summary>What a name may be, for help texts: "docker, smolmachines (or NAME@ENDPOINT)".</summary>
    internal static string Help => $"{string.Join(", ", Names)} (or NAME@ENDPOINT, its bundles on that docker engine)";

    /// <summary>
    /// The backend called <paramref name="name"/> (<c>NAME</c> or <c>NAME@ENDPOINT</c>), with default options.
    /// Throws <see cref="ArgumentException"/> naming the known backends when it names none.
    /// </summary>
    public static BottleBackend Create(string name, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Problem(name) is { } problem)
        {
            throw new ArgumentException(problem, nameof(name));
        }

        var (kind, engine) = Parse(name);
        return engine is null ? kind!.Create(logger) : kind!.OnEngine(engine, logger);
    }

    /// <summary>One backend of every registered kind, with default options (what a run with no choice runs on).</summary>
    internal static IReadOnlyList<BottleBackend> CreateAll(ILogger? logger = null) => [.. Kinds.Select(k => k.Create(logger))];

    /// <summary>Why <paramref name="name"/> names no backend, or null when it names one (checked without creating it).</summary>
    internal static string? Problem(string name)
    {
        var (kind, engine) = Parse(name);
        if (kind is null)
        {
            return $"unknown backend '{name}'; known: {Help}";
        }

        return name.Contains('@', StringComparison.Ordinal) && engine is null ? $"'{name}' needs an engine address after {kind.Name}@ (e.g. {kind.Name}@unix:///var/run/docker.sock)" : null;
    }

    private static (Kind? Kind, Uri? Engine) Parse(string name)
    {
        var at = name.IndexOf('@', StringComparison.Ordinal);
        var kind = Kinds.FirstOrDefault(k => string.Equals(k.Name, at < 0 ? name : name[..at], StringComparison.Ordinal));
        var engine = at >= 0 && Uri.TryCreate(name[(at + 1)..], UriKind.Absolute, out var uri) ? uri : null;
        return (kind, engine);
    }
}
