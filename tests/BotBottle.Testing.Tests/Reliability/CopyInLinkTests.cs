using BotBottle.Testing.Tests.Docker;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Reliability;

/// <summary>
/// Copy-in never follows a link the agent planted: <c>node</c> swaps a folder of its home (or the target file) for a
/// link to a root-owned place, and the copy fails naming the link, with nothing written where the link points.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class CopyInLinkTests(ReferenceBottleFixture fixture) : IClassFixture<ReferenceBottleFixture>, IDisposable
{
    private readonly DirectoryInfo _host = Directory.CreateTempSubdirectory("bbt-copylink-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_folder_node_swapped_for_a_link_to_etc_profile_d_fails_the_copy_and_writes_nothing_there()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        (await fixture.Bottle.ExecAsync($"mkdir -p ~/fixtures-{id} && rm -rf ~/fixtures-{id} && ln -s /etc/profile.d ~/fixtures-{id}", cancellationToken: Ct)).ThrowOnFailure();

        var error = await Assert.ThrowsAsync<IOException>(() => fixture.Bottle.CopyInAsync(File("echo owned-by-node"), $"/home/node/fixtures-{id}/zz-{id}.sh", GuestUsers.Agent, cancellationToken: Ct));

        Assert.Contains($"/home/node/fixtures-{id} is a symbolic link", error.Message, StringComparison.Ordinal);
        var landed = await fixture.Bottle.ExecAsync($"ls /etc/profile.d/zz-{id}.sh", GuestUsers.Root, Ct);
        Assert.NotEqual(0, landed.ExitCode);
    }

    [Fact]
    public async Task Bytes_and_a_stream_copied_through_a_planted_link_fail_the_same_way_and_write_nothing_there()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        (await fixture.Bottle.ExecAsync($"ln -s /etc/profile.d ~/bytes-{id}", Ct)).ThrowOnFailure();
        using var stream = new MemoryStream("echo owned-by-node\n"u8.ToArray());

        var fromBytes = await Assert.ThrowsAsync<IOException>(() => fixture.Bottle.CopyInAsync("echo owned-by-node\n"u8.ToArray(), $"/home/node/bytes-{id}/zz-{id}.sh", GuestUsers.Agent, cancellationToken: Ct));
        var fromStream = await Assert.ThrowsAsync<IOException>(() => fixture.Bottle.CopyInAsync(stream, $"/home/node/bytes-{id}/zy-{id}.sh", GuestUsers.Agent, cancellationToken: Ct));

        Assert.Contains($"/home/node/bytes-{id} is a symbolic link", fromBytes.Message, StringComparison.Ordinal);
        Assert.Contains($"/home/node/bytes-{id} is a symbolic link", fromStream.Message, StringComparison.Ordinal);
        Assert.NotEqual(0, (await fixture.Bottle.ExecAsync(["sh", "-c", $"ls /etc/profile.d/z*-{id}.sh"], GuestUsers.Root, Ct)).ExitCode);
        Assert.Equal("0\n", (await fixture.Bottle.ExecAsync("ls -d /tmp/bbt-stage.* 2>/dev/null | wc -l", GuestUsers.Root, Ct)).Stdout);
    }

    [Fact]
    public async Task A_target_file_node_replaced_by_a_link_is_not_followed()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        (await fixture.Bottle.ExecAsync($"echo root-only > /etc/bbt-victim-{id}", GuestUsers.Root, Ct)).ThrowOnFailure();
        (await fixture.Bottle.ExecAsync($"mkdir -p ~/drop-{id} && ln -s /etc/bbt-victim-{id} ~/drop-{id}/notes.txt", cancellationToken: Ct)).ThrowOnFailure();

        var error = await Assert.ThrowsAsync<IOException>(() => fixture.Bottle.CopyInAsync(File("replaced"), $"/home/node/drop-{id}/notes.txt", GuestUsers.Root, cancellationToken: Ct));

        Assert.Contains("is a symbolic link", error.Message, StringComparison.Ordinal);
        var victim = (await fixture.Bottle.ExecAsync($"cat /etc/bbt-victim-{id}; stat -c %U /etc/bbt-victim-{id}", GuestUsers.Root, Ct)).ThrowOnFailure();
        Assert.Equal("root-only\nroot\n", victim.Stdout);
    }

    [Fact]
    public async Task A_link_inside_a_copied_tree_fails_the_copy()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var tree = Directory.CreateDirectory(Path.Combine(_host.FullName, "tree"));
        Directory.CreateDirectory(Path.Combine(tree.FullName, "sub"));
        await System.IO.File.WriteAllTextAsync(Path.Combine(tree.FullName, "sub", "x.sh"), "echo x\n", Ct);
        (await fixture.Bottle.ExecAsync($"mkdir -p ~/tree-{id} && ln -s /etc/profile.d ~/tree-{id}/sub", cancellationToken: Ct)).ThrowOnFailure();

        var error = await Assert.ThrowsAsync<IOException>(() => fixture.Bottle.CopyInAsync(tree.FullName, $"/home/node/tree-{id}", GuestUsers.Agent, cancellationToken: Ct));

        Assert.Contains($"/home/node/tree-{id}/sub is a symbolic link", error.Message, StringComparison.Ordinal);
        Assert.NotEqual(0, (await fixture.Bottle.ExecAsync("ls /etc/profile.d/x.sh", GuestUsers.Root, Ct)).ExitCode);
    }

    [Fact]
    public async Task Node_moving_a_folder_away_while_the_copy_fills_it_cannot_lead_the_copy_outside_the_target()
    {
        // The attack a review found: node waits until the placer is writing inside tree/a/b, moves b to /tmp, and a walk
        // back up through '..' would then land in /tmp and / and give a directory of the same name there ("etc") to node.
        var id = Guid.NewGuid().ToString("N")[..8];
        var tree = Directory.CreateDirectory(Path.Combine(_host.FullName, "tree-" + id));
        var deep = Directory.CreateDirectory(Path.Combine(tree.FullName, "a", "b"));
        for (var i = 0; i < 6; i++)
        {
            await System.IO.File.WriteAllBytesAsync(Path.Combine(deep.FullName, $"f{i}"), new byte[4 << 20], Ct);
        }

        Directory.CreateDirectory(Path.Combine(tree.FullName, "etc"));
        await System.IO.File.WriteAllTextAsync(Path.Combine(tree.FullName, "etc", "notes.txt"), "notes\n", Ct);
        var target = $"/home/node/work-{id}";
        (await fixture.Bottle.ExecAsync($"mkdir -p {target}", cancellationToken: Ct)).ThrowOnFailure();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var attack = fixture.Bottle.ExecAsync(
            $"end=$(($(date +%s) + 60)); while [ $(date +%s) -lt $end ]; do for f in {target}/a/b/.bbt-place-*; do " +
            $"[ -e \"$f\" ] && mv {target}/a/b /tmp/moved-{id} 2>/dev/null && echo moved && exit 0; done; done; echo never",
            cancellationToken: stop.Token);

        var copy = await Record.ExceptionAsync(() => fixture.Bottle.CopyInAsync(tree.FullName, target, GuestUsers.Agent, cancellationToken: Ct));
        await stop.CancelAsync();
        await Record.ExceptionAsync(() => attack);

        var owners = (await fixture.Bottle.ExecAsync("stat -c '%U' / /etc /tmp /var; ls /notes.txt /etc/notes.txt 2>/dev/null | wc -l", GuestUsers.Root, Ct)).ThrowOnFailure();
        Assert.Equal("root\nroot\nroot\nroot\n0\n", owners.Stdout);
        Assert.True(copy is null or IOException, $"the copy failed otherwise: {copy}");
    }

    [Fact]
    public async Task Control_the_same_copy_without_a_link_lands_owned_by_its_owner_and_leaves_no_staging()
    {
        var id = Guid.NewGuid().ToString("N")[..8];

        await fixture.Bottle.CopyInAsync(File("echo fine"), $"/home/node/fixtures-{id}/new/zz.sh", GuestUsers.Agent, (UnixFileMode)0b111_101_000, Ct);

        var seen = (await fixture.Bottle.ExecAsync($"stat -c '%a %U' /home/node/fixtures-{id}/new/zz.sh; cat /home/node/fixtures-{id}/new/zz.sh; ls -d /tmp/bbt-stage.* 2>/dev/null | wc -l", GuestUsers.Root, Ct)).ThrowOnFailure();
        Assert.Equal("750 node\necho fine0\n", seen.Stdout);
    }

    public void Dispose() => _host.Delete(recursive: true);

    private string File(string content)
    {
        var path = Path.Combine(_host.FullName, Guid.NewGuid().ToString("N")[..8] + ".sh");
        System.IO.File.WriteAllText(path, content);
        return path;
    }
}
