using System.Diagnostics;
using System.Text;

namespace BotBottle.Testing.SmolvmEmulator;

/// <summary>
/// The emulator's guest: a container that plays the microVM, driven through the docker CLI. It has no
/// network (<c>--network none</c>), as a smolvm machine created without <c>--net</c> has none; a
/// <c>--mount-socket</c> is a bind of the host socket at its guest path.
/// </summary>
internal static class GuestEngine
{
    /// <summary>Runs docker; returns exit code and output (never throws on a non-zero exit).</summary>
    public static (int ExitCode, string Stdout, string Stderr) Docker(IReadOnlyList<string> args, Stream? stdin = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = Start(args, environment);
        info.RedirectStandardInput = stdin is not null;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            stdin.CopyTo(process.StandardInput.BaseStream);
            process.StandardInput.Close();
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    public static ProcessStartInfo Start(IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("docker")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return info;
    }

    /// <summary>True when the guest container exists and runs.</summary>
    public static bool IsRunning(string container)
    {
        var (code, stdout, _) = Docker(["inspect", "-f", "{{.State.Running}} {{.State.Pid}}", container]);
        return code == 0 && stdout.StartsWith("true", StringComparison.Ordinal);
    }

    public static int? Pid(string container)
    {
        var (code, stdout, _) = Docker(["inspect", "-f", "{{.State.Pid}}", container]);
        return code == 0 && int.TryParse(stdout.Trim(), out var pid) && pid > 0 ? pid : null;
    }

    public static void Remove(string container) => Docker(["rm", "-f", "-v", container]);

    /// <summary>Loads a <c>docker save</c> archive and returns the loaded image's id.</summary>
    public static string Load(Stream archive)
    {
        var (code, stdout, stderr) = Docker(["load", "-q"], archive);
        if (code != 0)
        {
            throw new UsageException($"Error: agent operation failed: load image: {stderr.Trim()}", 1);
        }

        // "Loaded image: name:tag" or "Loaded image ID: sha256:..."
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        var reference = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        var (idCode, id, _) = Docker(["image", "inspect", "-f", "{{.Id}}", reference]);
        return idCode == 0 ? id.Trim() : reference;
    }

    public static string ImageUser(string image)
    {
        var (code, stdout, _) = Docker(["image", "inspect", "-f", "{{.Config.User}}", image]);
        return code == 0 ? stdout.Trim() : "";
    }

    /// <summary>Reads a stream to its end, keeping at most <paramref name="cap"/> bytes (the rest is read and dropped).</summary>
    public static async Task<byte[]> ReadCappedAsync(Stream stream, int cap)
    {
        var kept = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            var room = (int)Math.Min(read, cap - kept.Length);
            if (room > 0)
            {
                kept.Write(buffer, 0, room);
            }
        }

        return kept.ToArray();
    }

    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
