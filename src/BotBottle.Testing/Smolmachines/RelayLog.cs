using System.Collections.Concurrent;
using System.Net;

namespace BotBottle.Testing.Smolmachines;

/// <summary>
/// Every connection the host end of a machine's proxy bridge carried, from the bridge's start (before the machine
/// exists): when the guest connected, what the bridge dialled for it, and the bytes each way. Kept in the harness's
/// process, where no guest code can reach it.
/// </summary>
internal sealed class RelayLog
{
    private readonly ConcurrentQueue<Connection> _connections = new();

    /// <summary>Records a connection the guest opened, now, which the relay is about to dial <paramref name="target"/> for.</summary>
    public Connection Open(EndPoint target)
    {
        var connection = new Connection(DateTimeOffset.UtcNow, target);
        _connections.Enqueue(connection);
        return connection;
    }

    /// <summary>Every connection so far, in the order they were opened, as they stand.</summary>
    public IReadOnlyList<RelayRecord> Read() => [.. _connections.Select(c => c.Snapshot())];

    /// <summary>One connection as it goes: counted as its bytes pass.</summary>
    internal sealed class Connection(DateTimeOffset opened, EndPoint target)
    {
        private long _sent;
        private long _received;
        private volatile EndPoint? _dialled = target;
        private volatile string? _failure;

        /// <summary>The endpoint the bridge dialled, as the socket reports it once connected.</summary>
        public void Dialled(EndPoint? endpoint) => _dialled = endpoint;

        /// <summary>Why the relay of this connection ended early (null: it did not).</summary>
        public void Failed(string reason) => _failure = reason;

        /// <summary>Bytes from the guest.</summary>
        public void Sent(int bytes) => Interlocked.Add(ref _sent, bytes);

        /// <summary>Bytes to the guest.</summary>
        public void Received(int bytes) => Interlocked.Add(ref _received, bytes);

        public RelayRecord Snapshot() => new(opened, _dialled, Interlocked.Read(ref _sent), Interlocked.Read(ref _received), _failure);
    }
}

/// <summary>One connection through the relay.</summary>
/// <param name="Opened">When the guest connected.</param>
/// <param name="Dialled">What the relay dialled for it (null: the socket did not say).</param>
/// <param name="BytesSent">Bytes from the guest.</param>
/// <param name="BytesReceived">Bytes to the guest.</param>
/// <param name="Failure">Why the relay ended early (null: it did not).</param>
internal sealed record RelayRecord(DateTimeOffset Opened, EndPoint? Dialled, long BytesSent, long BytesReceived, string? Failure);
