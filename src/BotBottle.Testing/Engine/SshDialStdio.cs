using System.Diagnostics;
using Docker.DotNet.Handler.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Client;

namespace BotBottle.Testing.Engine;

/// <summary>
/// The transport for <c>ssh://[user@]host[:port]</c> engines, as the docker CLI does it: every
/// connection is an <c>ssh … docker system dial-stdio</c> process whose stdin/stdout carry the
/// engine's HTTP (and hijacked exec) stream. No SSH library, no forwarded port left open; the user's
/// own ssh configuration, agent and known hosts apply.
/// </summary>
internal sealed class SshDialStdio : IDockerHandlerFactory<SshDialStdio.Options>
{
    public static SshDialStdio Instance { get; } = new();

    /// <summary>Which host, through which ssh executable.</summary>
    public sealed record Options(Uri Endpoint, string SshCommand);

    /// <inheritdoc />
    public ResolvedTransport CreateHandler(ResolvedClientOptions clientOptions, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(clientOptions);
        return CreateHandler(new Options(clientOptions.Endpoint, "ssh"), clientOptions, logger);
    }

    /// <inheritdoc />
    public Task<WriteClosableStream> HijackStreamAsync(HttpContent content) =>
        content is HttpConnectionResponseContent hijackable
            ? Task.FromResult(hijackable.HijackStream())
            : throw new NotSupportedException("the engine's response cannot be hijacked over this transport");

    /// <inheritdoc />
    public ResolvedTransport CreateHandler(Options transportOptions, ResolvedClientOptions clientOptions, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(transportOptions);
        var argv = Arguments(transportOptions.Endpoint);
        var handler = new ManagedHandler((_, _, ct) => OpenAsync(transportOptions.SshCommand, argv, ct), logger);
        return new ResolvedTransport(handler, new Uri("http://docker.ssh"));
    }

    /// <summary>The ssh argv for an endpoint: <c>-o BatchMode=yes [-l user] [-p port] -- host docker system dial-stdio</c>.</summary>
    public static IReadOnlyList<string> Arguments(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var argv = new List<string> { "-o", "BatchMode=yes" };
        if (endpoint.UserInfo.Length > 0)
        {
            argv.AddRange(["-l", Uri.UnescapeDataString(endpoint.UserInfo)]);
        }

        if (!endpoint.IsDefaultPort && endpoint.Port > 0)
        {
            argv.AddRange(["-p", endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        argv.AddRange(["--", endpoint.Host, "docker", "system", "dial-stdio"]);
        return argv;
    }

    private static Task<Stream> OpenAsync(string ssh, IReadOnlyList<string> argv, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var info = new ProcessStartInfo(ssh)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in argv)
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new EngineUnavailableException($"could not start {ssh}");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return Task.FromResult<Stream>(new ProcessStream(process));
    }

    /// <summary>A process's stdout (read) and stdin (write) as one duplex stream; disposing ends the process.</summary>
    private sealed class ProcessStream(Process process) : Stream
    {
        private readonly Stream _read = process.StandardOutput.BaseStream;
        private readonly Stream _write = process.StandardInput.BaseStream;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => _write.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => _write.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => _read.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _read.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _read.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => _write.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _write.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _write.WriteAsync(buffer, offset, count, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                try
                {
                    _write.Dispose();
                    if (!process.WaitForExit(2000))
                    {
                        process.Kill(entireProcessTree: true);
                    }
                }
                catch (InvalidOperationException)
                {
                }
                finally
                {
                    process.Dispose();
                }
            }

            base.Dispose(disposing);
        }
    }
}
