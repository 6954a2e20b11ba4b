using System.Buffers.Binary;

namespace BotBottle.Testing.Tests.Engine;

/// <summary>
/// The host's reader of the exec channel, fed what the guest side sends and what a forger in the guest would write
/// into it: the guest's frames come through in order, whole or in pieces; a frame of the old format, one with a
/// guessed tag, one out of sequence (a replay among them) or a plain frame other than the ping's answer closes the
/// channel with the error that says something in the guest wrote into it.
/// </summary>
public sealed class ExecChannelFrameReaderTests
{
    private static readonly byte[] Secret = ExecChannelWire.NewSecret();

    private static byte[] Answer => ExecChannelWire.Plain('H', 0, []);

    private static byte[] Keyed(char type, uint id, uint sequence, byte[] payload) => ExecChannelWire.Keyed(type, id, sequence, Secret, payload);

    private static byte[] Exit(uint id, uint sequence, int status)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(payload, status);
        return Keyed('X', id, sequence, payload);
    }

    /// <summary>What the reader hands over for <paramref name="chunks"/>, one Receive each, as "type id payload" lines.</summary>
    private static List<string> Read(ExecChannelFrameReader reader, params byte[][] chunks)
    {
        var frames = new List<string>();
        foreach (var chunk in chunks)
        {
            reader.Receive(chunk, (type, id, payload) => frames.Add($"{type} {id} {Convert.ToHexString(payload)}"));
        }

        return frames;
    }

    [Fact]
    public void The_guests_own_frames_come_through_in_order_whole_or_split_anywhere()
    {
        var stream = Answer.Concat(Keyed('A', 0, 0, [])).Concat(Keyed('O', 7, 1, "real\n"u8.ToArray())).Concat(Exit(7, 2, 42)).ToArray();
        var expected = new[] { "H 0 ", "A 0 ", "O 7 7265616C0A", "X 7 0000002A" };

        Assert.Equal(expected, Read(new ExecChannelFrameReader(Secret), stream));
        for (var cut = 1; cut < stream.Length; cut++)
        {
            Assert.Equal(expected, Read(new ExecChannelFrameReader(Secret), stream[..cut], stream[cut..]));
        }

        Assert.Equal(expected, Read(new ExecChannelFrameReader(Secret), [.. stream.Select(b => new[] { b })]));
    }

    public static TheoryData<string, byte[]> Forgeries => new()
    {
        // What the hostile review wrote: a well-formed frame of the format before the key, an invented exit 0.
        { "an old-format exit 0", ExecChannelWire.Plain('X', 7, [0, 0, 0, 0]) },
        { "an old-format stdout", ExecChannelWire.Plain('O', 7, "forged\n"u8.ToArray()) },
        { "the right format and sequence with a guessed tag", ExecChannelWire.Keyed('X', 7, 2, ExecChannelWire.NewSecret(), [0, 0, 0, 0]) },
        { "a tag one bit off", ExecChannelWire.Keyed('X', 7, 2, Secret.Select((b, i) => i == 31 ? (byte)(b ^ 1) : b).ToArray(), [0, 0, 0, 0]) },
        { "a genuine frame replayed", Keyed('O', 7, 1, "real\n"u8.ToArray()) },
        { "a genuine frame ahead of its turn", Exit(7, 3, 0) },
        { "a header that promises 2 GiB", ExecChannelWire.Keyed('O', 7, 2, ExecChannelWire.NewSecret(), []).Select((b, i) => i is >= 5 and < 9 ? (byte)0x7f : b).ToArray() },
    };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public void A_frame_the_guest_side_did_not_send_closes_the_channel_before_the_exit_it_hides(string what, byte[] forged)
    {
        var reader = new ExecChannelFrameReader(Secret);
        Assert.Equal(["H 0 ", "A 0 ", "O 7 7265616C0A"], Read(reader, Answer, Keyed('A', 0, 0, []), Keyed('O', 7, 1, "real\n"u8.ToArray())));
        var handed = new List<string>();

        // The forgery arrives in the same read as the real exit status behind it; neither is handed over.
        var failed = Assert.Throws<IOException>(() => reader.Receive([.. forged, .. Exit(7, 2, 42)], (type, id, _) => handed.Add($"{type} {id}")));

        Assert.True(handed.Count == 0, $"{what}: handed over {string.Join(", ", handed)}");
        Assert.StartsWith(ExecChannelWire.Forged, failed.Message, StringComparison.Ordinal);
        Assert.Same(failed, Assert.Throws<IOException>(() => Read(reader, Exit(7, 2, 42))));
    }

    [Fact]
    public void Before_the_ping_is_answered_a_plain_frame_other_than_the_answer_is_a_forgery()
    {
        var failed = Assert.Throws<IOException>(() => Read(new ExecChannelFrameReader(Secret), ExecChannelWire.Plain('X', 1, [0, 0, 0, 0])));

        Assert.StartsWith(ExecChannelWire.Forged, failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_slipped_into_the_middle_of_a_real_frame_fail_at_what_is_then_read_as_the_next_header()
    {
        var real = Keyed('O', 7, 1, Enumerable.Repeat((byte)'r', 10000).ToArray());
        var forged = ExecChannelWire.Plain('X', 7, [0, 0, 0, 0]);
        var reader = new ExecChannelFrameReader(Secret);
        Read(reader, Answer, Keyed('A', 0, 0, []));
        var handed = new List<char>();

        var failed = Assert.Throws<IOException>(() => reader.Receive([.. real[..5000], .. forged, .. real[5000..], .. Exit(7, 2, 42)], (type, _, _) => handed.Add(type)));

        Assert.Equal(['O'], handed);
        Assert.StartsWith(ExecChannelWire.Forged, failed.Message, StringComparison.Ordinal);
    }
}
