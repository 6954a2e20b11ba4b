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
        await using var bridge = ProxyBridge.Start(9, null, NullLogger.Instance);
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

    [Fact]
    [Trait("Category", "Docker")]
    public async Task The_published_proxy_port_refuses_every_local_account_but_the_bridge_and_the_agent_still_gets_through()
    {
        using var smolvm = new BotBottle.Testing.Tests.Support.EmulatedSmolvm();
        var backend = smolvm.Backend();
        await BotBottle.Testing.Tests.Support.BackendGate.RequireAsync(backend);
        await using var bottle = new BottleBuilder().WithBackend(backend).Build();
        await bottle.StartAsync(Ct);
        var port = ((BotBottle.Testing.Launch.Bottle)bottle).Launched.Bundle.PublishedProxyPort!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // A request straight to the published port, with no credential: this account, and a second local one.
        const string ask = "use IO::Socket::INET; my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $ARGV[0]) or die \"$!\\n\"; " +
            "print $s \"GET http://not-allowed.botbottle.invalid/ HTTP/1.0\\r\\nHost: not-allowed.botbottle.invalid\\r\\n\\r\\n\"; my $line = <$s>; print $line";
        Assert.StartsWith("HTTP/1.0 407", (await RunAsync("perl", "-e", ask, port)).Stdout, StringComparison.Ordinal);
        var agent = await bottle.ExecAsync($"curl -s -o /dev/null -w '%{{http_code}}' -x {bottle.Bundle.ProxyUrl} http://not-allowed.botbottle.invalid/", cancellationToken: Ct);
        Assert.Equal("403", agent.Stdout);
        Assert.SkipUnless(Environment.UserName == "root" && File.Exists("/usr/sbin/useradd"), "making a second local account needs root and useradd");

        var other = "bbt-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(0, (await RunAsync("/usr/sbin/useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", other)).ExitCode);
        try
        {
            var theirs = await RunAsync("runuser", "-u", other, "--", "perl", "-e", ask, port);
            Assert.StartsWith("HTTP/1.0 407", theirs.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await RunAsync("/usr/sbin/userdel", other);
        }
    }

    [Theory]
    [InlineData("GET http://a.test/ HTTP/1.1\r\nHost: a.test\r\n", 28)]
    [InlineData("\r\n\r\nGET http://a.test/ HTTP/1.1\r\n", 32)]
    [InlineData("\nCONNECT a.test:443 HTTP/1.1\n", 28)]
    [InlineData("\r\nGET http://a.test/ HTTP/1.1", -1)]
    public void The_credential_goes_after_the_request_line_never_after_an_empty_line_before_it(string received, int end) =>
        Assert.Equal(end, ProxyBridge.RequestLineEnd(System.Text.Encoding.ASCII.GetBytes(received)));

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
