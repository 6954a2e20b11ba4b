using System.Buffers.Binary;
using System.Security.Cryptography;

namespace BotBottle.Testing.Engine;

/// <summary>One frame the guest sent: its type, its request id and its payload (valid only during the call that hands it over).</summary>
internal delegate void ExecChannelFrameHandler(char type, uint id, ReadOnlySpan<byte> payload);

/// <summary>
/// Reads the guest's side of a channel (see <see cref="ExecChannelWire"/>): the plain <c>H</c>, then keyed frames in
/// sequence with the channel's tag. Anything else throws an <see cref="IOException"/> saying something in the guest
/// wrote into the channel, and the reader stays failed. Not thread-safe: one read loop owns it.
/// </summary>
internal sealed class ExecChannelFrameReader(byte[] secret)
{
    private byte[] _buffered = new byte[65536];
    private int _count;
    private bool _keyed;
    private uint _sequence;
    private IOException? _failed;

    /// <summary>Adds <paramref name="bytes"/> and hands <paramref name="handler"/> every whole frame they complete, in order; keeps the rest.</summary>
    public void Receive(ReadOnlySpan<byte> bytes, ExecChannelFrameHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (_failed is not null)
        {
            throw _failed;
        }

        if (_count + bytes.Length > _buffered.Length)
        {
            Array.Resize(ref _buffered, Math.Max(_buffered.Length * 2, _count + bytes.Length));
        }

        bytes.CopyTo(_buffered.AsSpan(_count));
        _count += bytes.Length;
        var data = _buffered.AsSpan(0, _count);
        var at = 0;
        try
        {
            while (TryFrame(data[at..], out var type, out var id, out var payload, out var length))
            {
                handler(type, id, payload);
                at += length;
            }
        }
        catch (IOException e)
        {
            _failed = e;
            throw;
        }

        data[at..].CopyTo(_buffered);
        _count -= at;
    }

    /// <summary>The frame at the start of <paramref name="data"/> when it is whole; its header is judged as soon as it is whole.</summary>
    private bool TryFrame(ReadOnlySpan<byte> data, out char type, out uint id, out ReadOnlySpan<byte> payload, out int length)
    {
        (type, id, length) = ('\0', 0, 0);
        payload = default;
        var header = _keyed ? ExecChannelWire.KeyedHeaderLength : ExecChannelWire.PlainHeaderLength;
        if (data.Length < header)
        {
            return false;
        }

        type = (char)data[0];
        id = BinaryPrimitives.ReadUInt32BigEndian(data[1..]);
        var size = BinaryPrimitives.ReadUInt32BigEndian(data[5..]);
        if (!_keyed)
        {
            // Before the key, the guest sends its answer to the ping and nothing else.
            if (type != 'H' || id != 0 || size != 0)
            {
                throw Forgery($"a plain '{Printable(type)}' frame where only the answer to the ping may be");
            }

            _keyed = true;
            length = header;
            return true;
        }

        var sequence = BinaryPrimitives.ReadUInt32BigEndian(data[ExecChannelWire.PlainHeaderLength..]);
        if (!CryptographicOperations.FixedTimeEquals(data.Slice(ExecChannelWire.PlainHeaderLength + 4, ExecChannelWire.SecretLength), secret))
        {
            throw Forgery($"a '{Printable(type)}' frame for request {id} without the channel's tag");
        }

        if (sequence != _sequence)
        {
            throw Forgery($"frame {sequence} where frame {_sequence} was due");
        }

        if (size > int.MaxValue - header || data.Length < header + (int)size)
        {
            return false;
        }

        _sequence++;
        payload = data.Slice(header, (int)size);
        length = header + (int)size;
        return true;
    }

    private static string Printable(char type) => type is >= ' ' and <= '~' ? type.ToString() : $"\\x{(int)type:x2}";

    private static IOException Forgery(string what) => new($"{ExecChannelWire.Forged} ({what}); the channel is closed");
}
