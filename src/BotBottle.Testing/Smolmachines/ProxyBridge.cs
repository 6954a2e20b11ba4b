using System.Net;
using System.Net.Sockets;
using System.Text;
using BotBottle.Testing.Bundles;
using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Smolmachines;

/// <summary>
/// The host end of a microVM's only way out: a unix socket, mounted into the guest with <c>--mount-socket</c>
/// (v1.6.4+, b310083f #656: it rides on vsock, so the VM needs no network at all), relayed to the bundle's proxy
/// port, which the engine publishes on the host's 127.0.0.1. Why this and not a network: smolvm's egress relays
/// dial from the host, and Docker Desktop (and colima) do not route container addresses to the Mac, so an
/// allow-listed bundle address is unreachable there; a published port reached through the virtio-net gateway
/// would open every service on the host's loopback to the VM (the gateway maps to host loopback, and 1.9.3 has
/// no egress floor for it). A socket relayed to exactly one port lets the VM reach the proxy and nothing else.
/// The published port is on the host's loopback, where every local account can dial it, so the bundle's proxy there
/// demands the bottle's <see cref="ProxyCredential"/>, and this bridge adds it to the first request of every connection.
/// </summary>
internal sealed class ProxyBridge : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly IPEndPoint _target;
    private readonly byte[]? _credentialHeader;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private ProxyBridge(string socketPath, IPEndPoint target, ProxyCredential? credential, ILogger logger)
    {
        SocketPath = socketPath;
        _target = target;
        _credentialHeader = credential is null ? null : Encoding.ASCII.GetBytes(credential.HeaderLine);
        _logger = logger;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));

        // Only this account may connect: the folder is 0700 from its creation (mkdtemp), and the socket is set to 0600
        // before it listens, whatever the umask made of it (connecting to a unix socket needs write permission on it).
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        _listener.Listen(64);
        _accepting = AcceptAsync();
    }

    /// <summary>Every connection the bridge carried, from its start.</summary>
    public RelayLog Log { get; } = new();

    /// <summary>Where the bridge dials: the bundle's proxy port, published on the host's loopback.</summary>
    public IPEndPoint Target => _target;

    /// <summary>The host socket the guest's <see cref="SmolvmCommands.GuestProxySocket"/> is connected to.</summary>
    public string SocketPath { get; }

    /// <summary>
    /// Starts a bridge to <paramref name="port"/> on the host's loopback. The socket lives in a private folder (0700,
    /// this account's) of the temporary directory, under short names: macOS limits a socket path to 104 bytes.
    /// </summary>
    public static ProxyBridge Start(int port, ProxyCredential? credential, ILogger logger)
    {
        var folder = Directory.CreateTempSubdirectory("bbt-");
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(folder.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            return new ProxyBridge(Path.Combine(folder.FullName, "proxy.sock"), new IPEndPoint(IPAddress.Loopback, port), credential, logger);
        }
        catch
        {
            folder.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Proves the whole host path answers before a machine depends on it: through the socket, a request for a
    /// name the proxy does not allow must come back with an HTTP answer from the proxy (a denial; nothing is dialled).
    /// </summary>
    public async Task PreflightAsync(string engineProduct, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(10));
        string answer;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), limit.Token).ConfigureAwait(false);
            await socket.SendAsync(Encoding.ASCII.GetBytes("GET http://preflight.botbottle.invalid/ HTTP/1.0\r\nHost: preflight.botbottle.invalid\r\n\r\n"), limit.Token).ConfigureAwait(false);
            var buffer = new byte[256];
            var read = await socket.ReceiveAsync(buffer, limit.Token).ConfigureAwait(false);
            answer = Encoding.ASCII.GetString(buffer, 0, read);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            answer = "(" + e.Message + ")";
        }

        if (!answer.StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"the bundle's proxy did not answer through 127.0.0.1:{_target.Port}, where {engineProduct} should publish it ({answer.Split('\n')[0].Trim()}). " +
                PreflightHint(engineProduct));
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        File.Delete(SocketPath);
        Directory.Delete(Path.GetDirectoryName(SocketPath)!);
        _stop.Dispose();
    }

    private static string PreflightHint(string product) => product switch
    {
        "Docker Desktop" => "Docker Desktop publishes container ports on the Mac's localhost: check that it is running and that no other program holds the port.",
        "OrbStack" => "OrbStack forwards published ports to the Mac's localhost: check that it is running.",
        "colima" => "colima forwards published ports to the Mac's localhost through its port forwarder: check `colima status` and that it runs with port forwarding.",
        "podman" => "podman publishes ports through its machine's port forwarding: check `podman machine list`.",
        _ => "Check that the engine publishes ports on this host's 127.0.0.1 (a remote DOCKER_HOST does not: run the engine locally).",
    };

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        var record = Log.Open(_target);
        using (client)
        using (var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            try
            {
                await upstream.ConnectAsync(_target, _stop.Token).ConfigureAwait(false);
                record.Dialled(upstream.RemoteEndPoint);
                if (_credentialHeader is not null && !await SendRequestLineWithCredentialAsync(client, upstream, record).ConfigureAwait(false))
                {
                    upstream.Shutdown(SocketShutdown.Send);
                    await PumpAsync(upstream, client, record.Received).ConfigureAwait(false);
                    return;
                }

                await Task.WhenAll(PumpAsync(client, upstream, record.Sent), PumpAsync(upstream, client, record.Received)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
            {
                record.Failed(e.Message);
                _logger.LogDebug("proxy bridge connection ended: {Reason}", e.Message);
            }
        }
    }

    /// <summary>
    /// Relays the client's request line, then the credential header, then whatever followed the line. Returns false
    /// when the client closed first. A first line over 8 KiB goes on unchanged (the proxy then refuses it, 407).
    /// </summary>
    private async Task<bool> SendRequestLineWithCredentialAsync(Socket client, Socket upstream, RelayLog.Connection record)
    {
        var buffer = new byte[8192];
        var filled = 0;
        while (true)
        {
            var read = await client.ReceiveAsync(buffer.AsMemory(filled), _stop.Token).ConfigureAwait(false);
            record.Sent(read);
            if (read == 0)
            {
                await upstream.SendAsync(buffer.AsMemory(0, filled), _stop.Token).ConfigureAwait(false);
                return false;
            }

            filled += read;
            var end = RequestLineEnd(buffer.AsSpan(0, filled));
            if (end >= 0)
            {
                await upstream.SendAsync(buffer.AsMemory(0, end + 1), _stop.Token).ConfigureAwait(false);
                await upstream.SendAsync(_credentialHeader, _stop.Token).ConfigureAwait(false);
                await upstream.SendAsync(buffer.AsMemory(end + 1, filled - end - 1), _stop.Token).ConfigureAwait(false);
                return true;
            }

            if (filled == buffer.Length)
            {
                await upstream.SendAsync(buffer, _stop.Token).ConfigureAwait(false);
                return true;
            }
        }
    }

    /// <summary>
    /// The index of the newline that ends the request line, past any empty lines before it (HTTP lets a client send
    /// those, and the proxy skips them; the header must follow the request line, not an empty one, or it would be taken
    /// for the request and logged). -1 while the request line is incomplete.
    /// </summary>
    internal static int RequestLineEnd(ReadOnlySpan<byte> received)
    {
        var start = 0;
        while (true)
        {
            var newline = received[start..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                return -1;
            }

            var line = received.Slice(start, newline);
            if (!line.TrimEnd((byte)'\r').IsEmpty)
            {
                return start + newline;
            }

            start += newline + 1;
        }
    }

    private async Task PumpAsync(Socket from, Socket to, Action<int> count)
    {
        var buffer = new byte[65536];
        while (true)
        {
            var read = await from.ReceiveAsync(buffer, _stop.Token).ConfigureAwait(false);
            count(read);
            if (read == 0)
            {
                // Half-close: the other direction keeps flowing until its side ends too.
                to.Shutdown(SocketShutdown.Send);
                return;
            }

            await to.SendAsync(buffer.AsMemory(0, read), _stop.Token).ConfigureAwait(false);
        }
    }
}
