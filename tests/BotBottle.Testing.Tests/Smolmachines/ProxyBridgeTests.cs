using System.Diagnostics;
using BotBottle.Testing.Smolmachines;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Testing.Tests.Smolmachines;

/// <summary>
/// The proxy bridge's socket is this account's alone: a private folder (0700) holding the socket (0600), so another
/// local account cannot reach the bundle's proxy through it. The other account is a throwaway user made for the test.
/// </summary>
public sealed class ProxyBridgeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_socket_is_in_a_private_folder_mode_0600_and_another_local_account_cannot_connect()
    {
        await using var bridge = ProxyBridge.Start(9, NullLogger.Instance);
        var folder = Path.GetDirectoryName(bridge.SocketPath)!;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(bridge.SocketPath));
        Assert.SkipUnless(Environment.UserName == "root" && File.Exists("/usr/sbin/useradd"), "making a second local account needs root and useradd");

        var other = "bbt-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(0, (await RunAsync("/usr/sbin/useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", other)).ExitCode);
        try
        {
            // The owner connects; the other account is refused by the folder and the socket's modes.
            const string connect = "use IO::Socket::UNIX; IO::Socket::UNIX->new(Peer => $ARGV[0]) or do { print \"refused: $!\\n\"; exit 1 }; print \"connected\\n\"";
            Assert.Equal("connected\n", (await RunAsync("perl", "-e", connect, bridge.SocketPath)).Stdout);
            var theirs = await RunAsync("runuser", "-u", other, "--", "perl", "-e", connect, bridge.SocketPath);
            Assert.Equal((1, "refused: Permission denied\n"), (theirs.ExitCode, theirs.Stdout));
            var listing = await RunAsync("runuser", "-u", other, "--", "ls", folder);
            Assert.NotEqual(0, listing.ExitCode);
        }
        finally
        {
            await RunAsync("/usr/sbin/userdel", other);
        }
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return (process.ExitCode, await stdout, await stderr);
    }
}
