using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace BotBottle.Testing.Smolmachines;

/// <summary>
/// Packed agent images (<c>.smolmachine</c>), one per image reference, built once with
/// <c>smolvm pack create</c> and reused. A pack is built under a temporary name and moved into
/// place, so a crash never leaves a half-written pack that looks valid.
/// </summary>
public sealed class PackCache
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);
    private readonly SmolvmCli _smolvm;

    /// <summary>A cache in <paramref name="directory"/> (default: the user's cache directory).</summary>
    public PackCache(SmolvmCli smolvm, string? directory = null)
    {
        _smolvm = smolvm;
        Directory = directory ?? DefaultDirectory();
    }

    /// <summary>Where packs live.</summary>
    public string Directory { get; }

    /// <summary>The user's cache directory for packs: ~/Library/Caches/botbottle/smolmachines or $XDG_CACHE_HOME/botbottle/smolmachines.</summary>
    public static string DefaultDirectory()
    {
        var home = System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);
        var cacheRoot = OperatingSystem.IsMacOS()
            ? Path.Combine(home, "Library", "Caches")
            : System.Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(home, ".cache");
        return Path.Combine(cacheRoot, "botbottle", "smolmachines");
    }

    /// <summary>A file-name-safe key for an image reference: readable part plus a hash of the whole reference.</summary>
    public static string KeyFor(string image)
    {
        ArgumentException.ThrowIfNullOrEmpty(image);
        var readable = new string(image.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray());
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(image))).ToLowerInvariant()[..12];
        return $"{readable[..Math.Min(readable.Length, 60)]}-{hash}";
    }

    /// <summary>The pack path for <paramref name="image"/> (it may not exist yet).</summary>
    public string PackPathFor(string image) => Path.Combine(Directory, KeyFor(image) + ".smolmachine");

    /// <summary>Returns the cached pack for <paramref name="image"/>, packing it first when missing.</summary>
    public async Task<string> GetOrCreateAsync(string image, CancellationToken cancellationToken)
    {
        var pack = PackPathFor(image);
        if (File.Exists(pack))
        {
            return pack;
        }

        var gate = Gates.GetOrAdd(pack, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (File.Exists(pack))
            {
                return pack;
            }

            System.IO.Directory.CreateDirectory(Directory);
            var stub = Path.Combine(Directory, $".{KeyFor(image)}.{Environment.ProcessId}.{Guid.NewGuid():N}");
            try
            {
                await _smolvm.RunCheckedAsync(SmolvmCommands.PackCreate(image, stub), cancellationToken).ConfigureAwait(false);
                var produced = stub + ".smolmachine";
                if (!File.Exists(produced))
                {
                    throw new SmolvmException($"`smolvm pack create` reported success but wrote no {produced}");
                }

                File.Move(produced, pack, overwrite: true);
                return pack;
            }
            finally
            {
                File.Delete(stub);
                File.Delete(stub + ".smolmachine");
            }
        }
        finally
        {
            gate.Release();
        }
    }
}
