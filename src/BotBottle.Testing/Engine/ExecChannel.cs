using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Engine;

/// <summary>
/// A long-lived exec per container that starts each command in the guest and frames its output and exit status back,
/// so a command costs one round trip on an open stream instead of an engine exec's create, start and inspect. The
/// guest side (<c>exec-channel.pl</c>, run by the image's perl) starts every command exactly as
/// <see cref="EngineExec"/> does: as root under the same one-line <c>sh</c> parent, with this exec's environment over
/// the one the engine gives every exec, stdin empty; exit status 128+signal when killed; output as bytes; any number at
/// once; cancelling one kills its process tree in the guest, including what it double-forked or moved to a session of
/// its own (each command runs under a subreaper supervisor), and waits for its end. An image without perl has no
/// channel (<see cref="OpenAsync"/> returns null), and the caller stays on per-call execs.
/// <para>
/// Nothing in the guest can forge what the channel reports (see <see cref="ExecChannelWire"/>): the guest side makes
/// itself non-dumpable before it answers the ping, then receives a secret of this channel's, and every frame after
/// that, both ways, carries it and a sequence number. A frame from anyone else closes the channel with an
/// <see cref="IOException"/> saying something in the guest wrote into it; every command still waiting for its exit
/// status fails with it.
/// </para>
/// </summary>
internal sealed class ExecChannel : IAsyncDisposable
{
    private static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(10);
    private static readonly Lazy<string> Server = new(() => Resources.EmbeddedText.Read("BotBottle.Testing.Engine.exec-channel.pl"));

    private readonly MultiplexedStream _stream;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly ConcurrentDictionary<uint, Pending> _pending = new();
    private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _keyed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly byte[] _secret = ExecChannelWire.NewSecret();
    private readonly ExecChannelFrameReader _frames;
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _reading;
    private int _nextId;
    private uint _sent;
    private volatile Exception? _closed;

    private ExecChannel(MultiplexedStream stream)
    {
        _stream = stream;
        _frames = new ExecChannelFrameReader(_secret);
        _reading = Task.Run(ReadAsync);
    }

    /// <summary>Whether the channel still carries commands (it closes with its container, or when the guest side dies).</summary>
    public bool IsOpen => _closed is null;

    /// <summary>Opens a channel into the container, its commands run under <paramref name="supervisor"/> (perl that defines <c>bbt_supervise</c>: the guest's, <c>Guest.GuestSupervisor.Script</c>), or returns null when the image cannot run one (no perl).</summary>
    public static async Task<ExecChannel?> OpenAsync(IDockerClient client, string containerId, string supervisor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var created = await client.Exec.CreateContainerExecAsync(containerId, new ContainerExecCreateParameters
        {
            Cmd = ["perl", "-e", supervisor + "\n" + Server.Value],
            User = "0",
            AttachStdin = true,
            AttachStdout = true,
            AttachStderr = true,
            TTY = false,
        }, cancellationToken).ConfigureAwait(false);
        var stream = await client.Exec.StartContainerExecAsync(created.ID, new ContainerExecStartParameters { Detach = false, TTY = false }, cancellationToken).ConfigureAwait(false);
        var channel = new ExecChannel(stream);
        try
        {
            // A ping answered proves both directions of the stream (a transport that cannot write to an exec's stdin
            // leaves the bottle on per-call execs instead of failing its commands), and that the guest side is now
            // non-dumpable: only then does the secret go in, and the channel carries commands once the guest has
            // answered it with the first keyed frame.
            await channel.SendPlainAsync('P', [], cancellationToken).ConfigureAwait(false);
            await channel._answered.Task.WaitAsync(OpenTimeout, cancellationToken).ConfigureAwait(false);
            await channel.SendPlainAsync('S', channel._secret, cancellationToken).ConfigureAwait(false);
            await channel._keyed.Task.WaitAsync(OpenTimeout, cancellationToken).ConfigureAwait(false);
            return channel;
        }
        catch (Exception e) when (e is IOException or TimeoutException)
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            return null;
        }
        catch
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs <paramref name="argv"/> as root with <paramref name="env"/> over the exec environment; never throws on a non-zero exit.</summary>
    public Task<BottleExecResult> RunAsync(IReadOnlyList<string> argv, IReadOnlyList<string> env, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(argv);
        ArgumentNullException.ThrowIfNull(env);
        return RequestAsync('R', Request(argv, env), cancellationToken);
    }

    /// <summary>
    /// Writes a file as root, owned by <paramref name="uid"/>:<paramref name="gid"/> with <paramref name="mode"/>, into an
    /// existing directory: created beside the path, then renamed over it (a link at the path is replaced, not followed).
    /// Exit 0 when written; 1 with the reason on stderr when not.
    /// </summary>
    public Task<BottleExecResult> WriteFileAsync(string path, ReadOnlyMemory<byte> content, int uid, int gid, UnixFileMode mode, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var payload = new MemoryStream();
        WriteStrings(payload, [path, Argv.Number((int)mode), Argv.Number(uid), Argv.Number(gid)]);
        WriteBytes(payload, content.Span);
        return RequestAsync('W', payload.ToArray(), cancellationToken);
    }

    /// <summary>Sends one request and waits for its exit status; cancelling it ends what it started in the guest first.</summary>
    private async Task<BottleExecResult> RequestAsync(char type, byte[] payload, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        var id = (uint)Interlocked.Increment(ref _nextId);
        var pending = new Pending();
        _pending[id] = pending;
        try
        {
            if (_closed is { } closed)
            {
                throw new IOException("the exec channel is closed: " + closed.Message, closed);
            }

            await SendAsync(type, id, payload, CancellationToken.None).ConfigureAwait(false);
            int exit;
            try
            {
                exit = await pending.Exit.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Cancelling ends the command's tree in the guest; the caller hears of it once it has ended.
                await SendAsync('K', id, [], CancellationToken.None).ConfigureAwait(false);
                await pending.Exit.Task.WaitAsync(KillTimeout, CancellationToken.None).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
                throw;
            }

            return new BottleExecResult(exit, Decode(pending.Stdout), Decode(pending.Stderr), clock.Elapsed);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Closes the stream; the guest side then kills whatever still runs and exits.</summary>
    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync().ConfigureAwait(false);
        _stream.Dispose();
        await _reading.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        _closing.Dispose();
        _writing.Dispose();
    }

    private static byte[] Request(IReadOnlyList<string> argv, IReadOnlyList<string> env)
    {
        using var payload = new MemoryStream();
        WriteStrings(payload, argv);
        WriteStrings(payload, env);
        return payload.ToArray();
    }

    private static void WriteStrings(MemoryStream payload, IReadOnlyList<string> values)
    {
        Span<byte> count = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(count, (uint)values.Count);
        payload.Write(count);
        foreach (var value in values)
        {
            WriteBytes(payload, Encoding.UTF8.GetBytes(value));
        }
    }

    private static void WriteBytes(MemoryStream payload, ReadOnlySpan<byte> bytes)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)bytes.Length);
        payload.Write(length);
        payload.Write(bytes);
    }


    private static string Decode(MemoryStream stream) => Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);

    private Task SendPlainAsync(char type, byte[] payload, CancellationToken cancellationToken) =>
        WriteAsync(() => ExecChannelWire.Plain(type, 0, payload), cancellationToken);

    /// <summary>A keyed frame: numbered as it is written, so the guest sees the numbers in order.</summary>
    private Task SendAsync(char type, uint id, byte[] payload, CancellationToken cancellationToken) =>
        WriteAsync(() => ExecChannelWire.Keyed(type, id, _sent++, _secret, payload), cancellationToken);

    private async Task WriteAsync(Func<byte[]> frameOf, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var frame = frameOf();
            await _stream.WriteAsync(frame, 0, frame.Length, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new IOException("the exec channel is closed: " + (_closed ?? e).Message, e);
        }
        finally
        {
            _writing.Release();
        }
    }

    private async Task ReadAsync()
    {
        var serverErrors = new StringBuilder();
        var buffer = new byte[65536];
        Exception ended;
        try
        {
            while (true)
            {
                var read = await _stream.ReadOutputAsync(buffer, 0, buffer.Length, _closing.Token).ConfigureAwait(false);
                if (read.EOF)
                {
                    ended = new IOException("the exec channel ended" + (serverErrors.Length > 0 ? ": " + serverErrors.ToString().Trim() : ""));
                    break;
                }

                if (read.Target == MultiplexedStream.TargetStream.StandardError)
                {
                    serverErrors.Append(Encoding.UTF8.GetString(buffer, 0, Math.Min(read.Count, 4096 - Math.Min(4096, serverErrors.Length))));
                    continue;
                }

                _frames.Receive(buffer.AsSpan(0, read.Count), Dispatch);
            }
        }
        catch (Exception e)
        {
            ended = e is IOException ? e : new IOException("the exec channel failed: " + e.Message, e);
        }

        _closed = ended;
        _stream.Dispose();
        _answered.TrySetException(ended);
        _keyed.TrySetException(ended);
        foreach (var pending in _pending.Values)
        {
            pending.Exit.TrySetException(new IOException("the exec channel closed while the command ran: " + ended.Message, ended));
        }
    }

    /// <summary>Handles one authenticated frame from the guest.</summary>
    private void Dispatch(char type, uint id, ReadOnlySpan<byte> payload)
    {
        switch (type)
        {
            case 'H':
                _answered.TrySetResult();
                break;
            case 'A':
                _keyed.TrySetResult();
                break;
            case 'O' when _pending.TryGetValue(id, out var pending):
                pending.Stdout.Write(payload);
                break;
            case 'E' when _pending.TryGetValue(id, out var pending):
                pending.Stderr.Write(payload);
                break;
            case 'X' when payload.Length == 4 && _pending.TryGetValue(id, out var pending):
                pending.Exit.TrySetResult(BinaryPrimitives.ReadInt32BigEndian(payload));
                break;
        }
    }

    private sealed class Pending
    {
        public MemoryStream Stdout { get; } = new();

        public MemoryStream Stderr { get; } = new();

        public TaskCompletionSource<int> Exit { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
