using BotBottle.Testing.Conformance.Results;
using BotBottle.Testing.Conformance.Run;
using BotBottle.Testing.Conformance.Spec;
using BotBottle.Testing.Facts;
using BotBottle.Testing.Sessions;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Adversarial;

/// <summary>
/// Builds each adversarial agent image (Adversarial/*.Dockerfile, offline, from the reference image) once, and for it and
/// the reference image: runs the built-in spec without probes on docker (two at a time), and scans a created, never-started
/// container of it with <see cref="SecretScan"/>. The images and containers are removed afterwards.
/// </summary>
public sealed class AdversarialImagesFixture : IAsyncLifetime
{
    public const string Reference = "reference";

    public static readonly string[] Subjects = ["ca-hook-only", "token-in-env", "token-in-profile-d"];

    /// <summary>
    /// A spec run on the hook image: root runs update-ca-certificates (its hook leaves a marker, and the check sees it
    /// there); node leaves a marker of its own in the bottle; then, in the bottle, node's marker is there and the hook's is not.
    /// Each prints the hostname where it ran.
    /// </summary>
    public const string MarkerSpec = """
        name: root-elsewhere
        commands:
          - id: root-hook
            user: root
            run: update-ca-certificates >/dev/null 2>&1; test -e /tmp/bbt-ca-hook-ran && cat /proc/sys/kernel/hostname
          - id: node-mark
            run: touch /tmp/bbt-node-mark && cat /proc/sys/kernel/hostname
          - id: bottle-untouched
            needs: [command.root-hook, command.node-mark]
            run: test -e /tmp/bbt-node-mark && test ! -e /tmp/bbt-ca-hook-ran
        """;

    public const string Markers = "markers";

    private readonly Dictionary<string, ConformanceReport> _reports = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<string>> _findings = new(StringComparer.Ordinal);
    private readonly List<string> _built = [];
    private PrerequisiteReport? _docker;
    private Exception? _failure;

    public static string ImageFor(string subject) => subject == Reference ? TestImages.Agent : "botbottle/agent-adversarial:" + subject;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _docker = await new DockerBackend().CheckPrerequisitesAsync(ct);
        if (!_docker.IsSatisfied)
        {
            return;
        }

        try
        {
            foreach (var subject in Subjects)
            {
                await FixtureImages.BuildAsync("Adversarial", subject, ImageFor(subject), ct);
                _built.Add(ImageFor(subject));
            }

            var engine = await EngineProvider.For(null).GetAsync(ct);
            foreach (var subject in Subjects.Append(Reference))
            {
                _findings[subject] = await ScanAsync(engine, ImageFor(subject), ct);
            }

            var spec = ConformanceSpec.BotBottle.WithoutProbes();
            var runs = Subjects.Append(Reference).Select(s => (s, spec, ImageFor(s))).Append((Markers, ConformanceSpec.Parse(MarkerSpec, "markers.yaml"), ImageFor("ca-hook-only")));
            foreach (var (subject, report) in await DockerConformanceRuns.RunAsync(runs, 2, "adversarial-images", ct))
            {
                _reports[subject] = report;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _failure = e;
        }
    }

    public BackendRun RunFor(string subject) => Ready(_reports)[subject][DockerBackend.BackendName];

    public IReadOnlyList<string> FindingsFor(string subject) => Ready(_findings)[subject];

    public async ValueTask DisposeAsync() => await FixtureImages.RemoveAsync(_built);

    private T Ready<T>(T value)
    {
        BackendGate.Require(_docker!);
        return _failure is null ? value : throw new InvalidOperationException("the adversarial images could not be checked: " + _failure.Message, _failure);
    }

    /// <summary>The outside scan of a created, never-started container of <paramref name="image"/> (no image code runs).</summary>
    private static async Task<IReadOnlyList<string>> ScanAsync(DockerEngine engine, string image, CancellationToken ct)
    {
        var name = BottleNames.NewBottleName();
        var container = await EngineContainer.CreateAsync(engine, new ContainerRequest(name + "-scan", image, name, "secret-scan") { Entrypoint = ["/never-started"], Network = "none" });
        try
        {
            return await SecretScan.FindAsync(container, [GuestEnvironment.PlaceholderToken], ct);
        }
        finally
        {
            await container.RemoveAsync(CancellationToken.None);
        }
    }
}
