using System.Text;

namespace BotBottle.Testing.Tests.Docker;

/// <summary>
/// What a Testcontainers user reaches for first, against a real reference bottle: exec with an argv (no shell), exec with
/// only a token, copy-in from bytes and from a stream, and reading a guest file back (copy-out) with its errors.
/// </summary>
[Trait("Category", "Docker")]
public sealed class ArgvExecAndCopyOutTests(ReferenceBottleFixture fixture) : IClassFixture<ReferenceBottleFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Id { get; } = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task An_argv_is_passed_element_by_element_with_no_shell_to_expand_or_split_it()
    {
        var marker = $"/tmp/injected-{Id}";

        var result = (await fixture.Bottle.ExecAsync(["printf", "%s|", "a b", "$HOME", $"'; touch {marker}; '", "*"], Ct)).ThrowOnFailure();

        Assert.Equal($"a b|$HOME|'; touch {marker}; '|*|", result.Stdout);
        Assert.NotEqual(0, (await fixture.Bottle.ExecAsync(["test", "-e", marker], GuestUsers.Root, Ct)).ExitCode);
    }

    [Fact]
    public async Task An_argv_runs_as_the_user_asked_with_the_guest_env_and_its_exit_code()
    {
        var asRoot = (await fixture.Bottle.ExecAsync(["sh", "-c", "id -un; echo $HOME; echo $PROJECT"], GuestUsers.Root, Ct)).ThrowOnFailure();
        var asNode = (await fixture.Bottle.ExecAsync(["id", "-un"], Ct)).ThrowOnFailure();
        var failed = await fixture.Bottle.ExecAsync(["sh", "-c", "exit 7"], Ct);
        var missing = await fixture.Bottle.ExecAsync(["no-such-command-" + Id], Ct);

        Assert.Equal("root\n/root\nalpha beta $x\n", asRoot.Stdout);
        Assert.Equal("node\n", asNode.Stdout);
        Assert.Equal(7, failed.ExitCode);
        Assert.Equal(127, missing.ExitCode);
    }

    [Fact]
    public async Task A_script_with_only_a_token_runs_as_node()
    {
        var result = (await fixture.Bottle.ExecAsync("id -un", Ct)).ThrowOnFailure();

        Assert.Equal("node\n", result.Stdout);
    }

    [Fact]
    public async Task Bytes_copied_in_come_back_byte_for_byte_with_owner_and_mode()
    {
        var content = Enumerable.Range(0, 256).Select(i => (byte)i).Concat(Encoding.UTF8.GetBytes("\r\n\0ü")).ToArray();
        var path = $"/home/node/bytes-{Id}/all.bin";

        await fixture.Bottle.CopyInAsync(content, path, GuestUsers.Agent, (UnixFileMode)0b110_000_000, Ct);

        Assert.Equal(content, await fixture.Bottle.ReadFileAsync(path, Ct));
        Assert.Equal(content, await fixture.Bottle.ReadFileAsync(path, GuestUsers.Agent, cancellationToken: Ct));
        var stat = (await fixture.Bottle.ExecAsync(["stat", "-c", "%a %U:%G", path], Ct)).ThrowOnFailure();
        Assert.Equal("600 node:node\n", stat.Stdout);
    }

    [Fact]
    public async Task A_stream_is_copied_in_from_its_position_to_its_end()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("skip-me|kept line\n"));
        stream.Position = "skip-me|".Length;
        var path = $"/tmp/stream-{Id}.txt";

        await fixture.Bottle.CopyInAsync(stream, path, cancellationToken: Ct);

        Assert.Equal("kept line\n", Encoding.UTF8.GetString(await fixture.Bottle.ReadFileAsync(path, Ct)));
        var stat = (await fixture.Bottle.ExecAsync(["stat", "-c", "%a %U", path], Ct)).ThrowOnFailure();
        Assert.Equal("644 root\n", stat.Stdout);
    }

    [Fact]
    public async Task A_file_of_a_megabyte_and_a_half_reads_back_whole()
    {
        var content = new byte[1_500_000];
        new Random(23).NextBytes(content);
        var path = $"/tmp/large-{Id}.bin";

        await fixture.Bottle.CopyInAsync(content, path, cancellationToken: Ct);

        Assert.Equal(content, await fixture.Bottle.ReadFileAsync(path, Ct));
    }

    [Fact]
    public async Task Reading_a_missing_file_a_directory_an_oversized_or_a_forbidden_file_fails_saying_which()
    {
        (await fixture.Bottle.ExecAsync($"head -c 100 /dev/zero > /tmp/hundred-{Id}; echo secret > /root/only-{Id}; chmod 600 /root/only-{Id}; chmod 755 /root", GuestUsers.Root, Ct)).ThrowOnFailure();

        var missing = await Assert.ThrowsAsync<FileNotFoundException>(() => fixture.Bottle.ReadFileAsync($"/tmp/none-{Id}", Ct));
        var directory = await Assert.ThrowsAsync<IOException>(() => fixture.Bottle.ReadFileAsync("/etc", Ct));
        var oversized = await Assert.ThrowsAsync<IOException>(() => fixture.Bottle.ReadFileAsync($"/tmp/hundred-{Id}", maxBytes: 99, cancellationToken: Ct));
        var forbidden = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => fixture.Bottle.ReadFileAsync($"/root/only-{Id}", GuestUsers.Agent, cancellationToken: Ct));
        var exact = await fixture.Bottle.ReadFileAsync($"/tmp/hundred-{Id}", maxBytes: 100, cancellationToken: Ct);

        Assert.Contains($"/tmp/none-{Id}", missing.Message, StringComparison.Ordinal);
        Assert.Contains("no such file", missing.Message, StringComparison.Ordinal);
        Assert.Contains("/etc in bottle", directory.Message, StringComparison.Ordinal);
        Assert.Contains("is a directory", directory.Message, StringComparison.Ordinal);
        Assert.Contains("larger than the cap of 99 bytes", oversized.Message, StringComparison.Ordinal);
        Assert.Contains("node may not read it", forbidden.Message, StringComparison.Ordinal);
        Assert.Equal(100, exact.Length);
    }
}
