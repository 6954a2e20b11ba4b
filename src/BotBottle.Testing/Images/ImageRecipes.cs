using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using BotBottle.Testing.Processes;
using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Images;

/// <summary>
/// The image recipes this assembly carries (eng/images: build-images.sh and each image's recipe.env, Dockerfile
/// and files), unpacked once per content hash into a cache folder and built by that same script, so a package
/// user and this repository build the same images the same way.
/// </summary>
internal static class ImageRecipes
{
    private const string Prefix = "BotBottle.Testing.Images/";
    private static readonly SemaphoreSlim OneBuild = new(1, 1);

    public const string AgentTag = "botbottle/agent:reference";
    public const string BundleTag = "botbottle/bundle:reference";

    public const string ProberTag = Bottles.ReferenceImageNames.Prober;

    /// <summary>The recipe files, by path relative to the recipe folder.</summary>
    public static IReadOnlyList<string> Files { get; } = typeof(ImageRecipes).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Select(n => n[Prefix.Length..]).Order(StringComparer.Ordinal).ToList();

    /// <summary>A hash of every recipe file's path and content: the cache folder's name.</summary>
    public static string Hash { get; } = ComputeHash();

    public static string DefaultCacheDirectory() =>
        Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } cache
            ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "botbottle", "images");

    /// <summary>Unpacks the recipes into <paramref name="cacheDirectory"/>/HASH unless they are there; returns that folder.</summary>
    public static string Unpack(string cacheDirectory)
    {
        var target = Path.Combine(cacheDirectory, Hash);
        if (File.Exists(Path.Combine(target, ".complete")))
        {
            return target;
        }

        Directory.CreateDirectory(cacheDirectory);
        var staging = Path.Combine(cacheDirectory, $".{Hash}.{Environment.ProcessId}.{Guid.NewGuid():N}");
        foreach (var file in Files)
        {
            var path = Path.Combine(staging, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using (var source = Open(file))
            using (var output = File.Create(path))
            {
                source.CopyTo(output);
            }

            if (!OperatingSystem.IsWindows() && (file.EndsWith(".sh", StringComparison.Ordinal) || !Path.GetFileName(file).Contains('.', StringComparison.Ordinal)) && !file.EndsWith("Dockerfile", StringComparison.Ordinal))
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }
        }

        File.WriteAllText(Path.Combine(staging, ".complete"), Hash);
        try
        {
            Directory.Move(staging, target);
        }
        catch (IOException) when (File.Exists(Path.Combine(target, ".complete")))
        {
            // Another process unpacked the same recipes first: theirs are identical.
            Directory.Delete(staging, recursive: true);
        }

        return target;
    }

    public static async Task<IReadOnlyList<string>> BuildAsync(ReferenceImageOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var bash = ToolLocator.Find("bash") ?? throw new ReferenceImageException("building the reference images needs bash on PATH");
        if (ToolLocator.Find("docker") is null)
        {
            throw new ReferenceImageException("building the reference images needs the docker CLI on PATH (the engine's own client; install docker.io or Docker Desktop)");
        }

        var folder = Unpack(options.CacheDirectory ?? DefaultCacheDirectory());
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (options.Build != ReferenceImageBuild.Auto)
        {
            environment["BOTBOTTLE_IMAGE_BUILD"] = options.Build == ReferenceImageBuild.Offline ? "mmdebstrap" : "dockerfile";
        }

        var tail = new Queue<string>();
        void OnLine(string line)
        {
            lock (tail)
            {
                tail.Enqueue(line);
                if (tail.Count > 12)
                {
                    tail.Dequeue();
                }
            }

            options.Progress?.Invoke(line);
        }

        // One build at a time in this process; the script's recipe-hash labels make a second call a quick no-op.
        await OneBuild.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var run = await new HostCommand(bash, environment, logger)
                .RunAsync([Path.Combine(folder, "build-images.sh"), "agent", "bundle", "prober"], cancellationToken, onLine: OnLine).ConfigureAwait(false);
            if (run.ExitCode != 0)
            {
                throw new ReferenceImageException($"building the reference images failed (build-images.sh exited {run.ExitCode}): {string.Join(" | ", tail)}");
            }
        }
        finally
        {
            OneBuild.Release();
        }

        return [AgentTag, BundleTag, ProberTag];
    }

    private static Stream Open(string file) =>
        typeof(ImageRecipes).Assembly.GetManifestResourceStream(Prefix + file) ?? throw new InvalidOperationException($"recipe file {file} is not embedded");

    private static string ComputeHash()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Files)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(file + "\n"));
            using var stream = Open(file);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            sha.AppendData(copy.ToArray());
        }

        return Convert.ToHexString(sha.GetHashAndReset())[..16].ToLowerInvariant();
    }
}
