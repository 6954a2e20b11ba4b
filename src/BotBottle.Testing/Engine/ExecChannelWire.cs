using System.Buffers.Binary;
using System.Security.Cryptography;

namespace BotBottle.Testing.Engine;

/// <summary>
/// The exec channel's frames and how each is authenticated (the guest side, <c>exec-channel.pl</c>, is the other half).
/// Two frames are plain, before the channel is keyed: the host's ping <c>P</c> and the guest's answer <c>H</c>, each a
/// type byte, a request id and a payload length (unsigned 32-bit, big-endian), then the payload. The guest answers
/// only once it has made itself non-dumpable; then the host sends <c>S</c>, plain, with the channel's secret
/// (<see cref="SecretLength"/> bytes from the host's CSPRNG, over stdin: never in argv, the environment or the command
/// line). From then on every frame, both ways, is keyed: type, id, length, a sequence number (unsigned 32-bit, from 0
/// in each direction, one more each frame) and a tag of <see cref="SecretLength"/> bytes, then the payload; the
/// guest's first keyed frame is <c>A</c> (the key arrived).
/// <para>
/// The tag is the secret itself. What that defends against: a process in the guest that can write into the channel's
/// pipes but cannot read the secret (its memory, or the stdin that carried it), the forger a hostile review showed
/// (a guest root process opening <c>/proc/PID/fd/1</c> of the channel's perl and writing well-formed frames). Its
/// frames, plain or keyed with a guessed tag, fail at their header, and so does whatever follows bytes it slipped
/// into the middle of a real frame (the real frame's tail is then read as a header); a frame out of sequence fails
/// the same way. Every failure closes the channel: a request that has not seen its exit status fails, never a result.
/// What it does not defend against: a reader of the channel's pipes or of the guest side's memory, who can learn the
/// secret (a tag derived from it by a keyed hash would not help there: whoever reads the pipes read the secret as it
/// went in over stdin). That is what the guest side being non-dumpable before it is sent is for: without
/// CAP_SYS_PTRACE (which the agent does not keep) no other guest process can open its <c>/proc/PID/fd/*</c> or
/// <c>/proc/PID/mem</c>, so what is left is a process that opened them in the instant between the channel's exec and
/// its first statement, which a launch's own order rules out (the channel opens before any agent code runs). A
/// forger also gains nothing from the channel's payload not being covered: a command's output is the command's, and
/// like any exec's, any root process in the guest can write into a running command's own output pipes.
/// </para>
/// </summary>
internal static class ExecChannelWire
{
    /// <summary>The secret's length, which is also the tag's.</summary>
    public const int SecretLength = 32;

    /// <summary>A plain frame's header: type, id, length.</summary>
    public const int PlainHeaderLength = 9;

    /// <summary>A keyed frame's header: type, id, length, sequence number, tag.</summary>
    public const int KeyedHeaderLength = PlainHeaderLength + 4 + SecretLength;

    /// <summary>What a channel that met a frame it did not send says.</summary>
    public const string Forged = "something in the guest wrote into the exec channel";

    /// <summary>A fresh secret for one channel.</summary>
    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(SecretLength);

    /// <summary>A plain frame (the ping and the key).</summary>
    public static byte[] Plain(char type, uint id, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[PlainHeaderLength + payload.Length];
        WriteHeader(frame, type, id, payload.Length);
        payload.CopyTo(frame.AsSpan(PlainHeaderLength));
        return frame;
    }

    /// <summary>A keyed frame, the <paramref name="sequence"/>th its sender has sent since the key.</summary>
    public static byte[] Keyed(char type, uint id, uint sequence, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[KeyedHeaderLength + payload.Length];
        WriteHeader(frame, type, id, payload.Length);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(PlainHeaderLength), sequence);
        secret.CopyTo(frame.AsSpan(PlainHeaderLength + 4));
        payload.CopyTo(frame.AsSpan(KeyedHeaderLength));
        return frame;
    }

    private static void WriteHeader(Span<byte> frame, char type, uint id, int length)
    {
        frame[0] = (byte)type;
        BinaryPrimitives.WriteUInt32BigEndian(frame[1..], id);
        BinaryPrimitives.WriteUInt32BigEndian(frame[5..], (uint)length);
    }
}
