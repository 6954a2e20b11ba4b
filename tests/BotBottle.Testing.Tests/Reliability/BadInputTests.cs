using BotBottle.Testing.Images;
using System.Diagnostics;
using BotBottle.Testing.Docker;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Launch;
using BotBottle.Testing.Tests.Docker;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Reliability;

/// <summary>
/// Bad input gets a clear error before anything is created, or a correct result; nothing is left behind either way.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class BadInputTests(ReferenceBottleFixture fixture) : IClassFixture<ReferenceBottleFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("", "is not a valid environment variable name")]
    [InlineData("A=B", "is not a valid environment variable name")]
    [InlineData("1X", "is not a valid environment variable name")]
    [InlineData("A\nB", "is not a valid environment variable name")]
    [InlineData("HOME", "is set per exec user by the harness")]
    public void An_invalid_env_key_is_refused_when_declared(string key, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => new BottleBuilder().WithEnv(key, "v"));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public void A_proxy_port_outside_1_to_65535_is_refused_at_build(int port)
    {
        var error = Assert.Throws<ArgumentException>(() => new BottleBuilder().WithProxyPort(port).Build());
        Assert.Contains($"the proxy port {port} is not a TCP port (1-65535)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_copy_in_path_is_refused_before_anything_happens()
    {
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => fixture.Bottle.CopyInAsync("/nonexistent/bbt-nothing", "/home/node/x", cancellationToken: Ct));
        Assert.Contains("'/nonexistent/bbt-nothing' does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Env_values_with_newlines_quotes_dollars_backticks_and_100_KB_arrive_byte_for_byte()
    {
        var values = new Dictionary<string, string>
        {
            ["BBT_NEWLINES"] = "one\ntwo\n",
            ["BBT_QUOTES"] = "it's \"quoted\"",
            ["BBT_DOLLAR"] = "$HOME ${PATH} $(id)",
            ["BBT_BACKTICKS"] = "`id` \\`",
            ["BBT_LARGE"] = new string('x', 100 * 1024),
        };
        var builder = new BottleBuilder().WithBackend(fixture.Backend).WithAllowedHost("decoy.internal");
        foreach (var (key, value) in values)
        {
            builder = builder.WithEnv(key, value);
        }

        await using var bottle = builder.Build();
        await bottle.StartAsync(Ct);

        foreach (var (key, value) in values)
        {
            var seen = (await bottle.ExecAsync($"printf '%s' \"${key}\"", cancellationToken: Ct)).ThrowOnFailure();
            Assert.Equal(value, seen.Stdout);
        }
    }

    [Fact]
    public async Task Large_output_non_utf8_bytes_and_every_kind_of_exit_code_come_back_whole()
    {
        var bottle = fixture.Bottle;

        var large = await bottle.ExecAsync("head -c 10485760 /dev/zero | tr '\\0' a; head -c 2097152 /dev/zero | tr '\\0' b >&2", cancellationToken: Ct);
        Assert.Equal((0, 10 * 1024 * 1024, 2 * 1024 * 1024), (large.ExitCode, large.Stdout.Length, large.Stderr.Length));
        Assert.True(large.Stdout.All(c => c == 'a') && large.Stderr.All(c => c == 'b'));

        var bytes = await bottle.ExecAsync("printf 'ok \\377\\376 end'", cancellationToken: Ct);
        Assert.Equal("ok \uFFFD\uFFFD end", bytes.Stdout);

        foreach (var code in (int[])[0, 1, 2, 127, 128, 200, 255])
        {
            Assert.Equal(code, (await bottle.ExecAsync($"exit {code}", cancellationToken: Ct)).ExitCode);
        }

        Assert.Equal(128 + 15, (await bottle.ExecAsync("kill -TERM $$", cancellationToken: Ct)).ExitCode);
        Assert.Equal(128 + 9, (await bottle.ExecAsync("kill -KILL $$", cancellationToken: Ct)).ExitCode);
    }

    [Fact]
    public async Task Sixteen_concurrent_execs_on_one_bottle_all_answer()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => fixture.Bottle.ExecAsync($"sleep 0.5; echo {i}", cancellationToken: Ct)));

        Assert.Equal(Enumerable.Range(0, 16).Select(i => $"{i}\n"), results.Select(r => r.Stdout));
    }

    [Theory]
    [InlineData("with space.txt")]
    [InlineData("it's \"quoted\".txt")]
    [InlineData("colon:name.txt")]
    public async Task Copy_in_keeps_names_with_spaces_quotes_and_colons(string name)
    {
        var directory = Directory.CreateTempSubdirectory("bbt-copy-");
        try
        {
            var file = Path.Combine(directory.FullName, name);
            await File.WriteAllTextAsync(file, "content of " + name, Ct);
            var guest = "/home/node/copied/" + name;

            await fixture.Bottle.CopyInAsync(file, guest, GuestUsers.Agent, cancellationToken: Ct);

            var seen = (await fixture.Bottle.ExecAsync($"cat '{guest.Replace("'", "'\\''", StringComparison.Ordinal)}'", cancellationToken: Ct)).ThrowOnFailure();
            Assert.Equal("content of " + name, seen.Stdout);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_directory_is_copied_in_with_its_tree()
    {
        var directory = Directory.CreateTempSubdirectory("bbt-copydir-");
        try
        {
            Directory.CreateDirectory(Path.Combine(directory.FullName, "sub"));
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "sub", "deep.txt"), "deep\n", Ct);

            await fixture.Bottle.CopyInAsync(directory.FullName, "/home/node/tree", GuestUsers.Agent, cancellationToken: Ct);

            var seen = (await fixture.Bottle.ExecAsync("cat /home/node/tree/sub/deep.txt; stat -c %U /home/node/tree/sub/deep.txt", cancellationToken: Ct)).ThrowOnFailure();
            Assert.Equal("deep\nnode\n", seen.Stdout);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_missing_image_fails_the_launch_at_once_naming_it_and_how_to_get_it_and_leaves_nothing()
    {
        var spec = TestImages.Spec with { AgentImage = "botbottle/does-not-exist:1", Name = BottleNames.NewBottleName() };

        var error = await Assert.ThrowsAsync<BottleLaunchException>(() => fixture.Backend.LaunchAsync(spec, Ct));

        Assert.Equal("prepare", error.Step);
        var missing = Assert.IsType<BottleImageNotFoundException>(error.InnerException);
        Assert.Equal(["botbottle/does-not-exist:1"], missing.Images);
        Assert.Contains("image botbottle/does-not-exist:1 is not in the docker engine", error.Message, StringComparison.Ordinal);
        Assert.Contains("docker pull IMAGE", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("{", error.Message, StringComparison.Ordinal);   // not the engine's raw JSON
        await AssertNothingLeftAsync(spec.Name!);
    }

    [Fact]
    public async Task An_agent_image_without_the_node_user_fails_the_launch_saying_so()
    {
        var spec = TestImages.Spec with { AgentImage = TestImages.Bundle, Name = BottleNames.NewBottleName() };

        var error = await Assert.ThrowsAsync<BottleLaunchException>(() => fixture.Backend.LaunchAsync(spec, Ct));

        Assert.Contains("node", error.Message, StringComparison.Ordinal);
        await AssertNothingLeftAsync(spec.Name!);
    }

    [Fact]
    public async Task A_bundle_whose_process_exits_fails_fast_with_its_logs_not_after_the_ready_budget()
    {
        // The egress daemon cannot take port 70000: it exits at once, and so does bundle-init when it sees that.
        var spec = TestImages.Spec with
        {
            Bundle = TestImages.Spec.Bundle with { Env = new Dictionary<string, string> { ["BUNDLE_EGRESS_PORT"] = "70000" } },
            Name = BottleNames.NewBottleName(),
        };
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<BottleLaunchException>(() => fixture.Backend.LaunchAsync(spec, Ct));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed} (ready budget: {new DockerBackendOptions().BundleReadyTimeout})");
        Assert.Contains("exited", error.Message, StringComparison.Ordinal);
        await AssertNothingLeftAsync(spec.Name!);
    }

    [Fact]
    public async Task Disposal_twice_and_disposal_racing_an_exec_are_harmless()
    {
        var bottle = new BottleBuilder().WithBackend(fixture.Backend).Build();
        await bottle.StartAsync(Ct);
        var name = bottle.Name;

        var exec = bottle.ExecAsync("sleep 5; echo late", cancellationToken: Ct);
        await Task.Delay(300, Ct);
        await bottle.DisposeAsync();
        await bottle.DisposeAsync();
        var outcome = await Record.ExceptionAsync(() => exec);

        // Either the exec won (its result, killed by the teardown) or disposal did: never a backend's own exception.
        Assert.True(outcome is null or ObjectDisposedException, $"an exec racing disposal ended with {outcome}");
        await Assert.ThrowsAsync<ObjectDisposedException>(() => bottle.ExecAsync("true", cancellationToken: Ct));
        await AssertNothingLeftAsync(name);
    }

    private static async Task AssertNothingLeftAsync(string bottle)
    {
        var engine = await EngineProvider.For().GetAsync(Ct);
        var left = await EngineSweeper.ListAsync(engine.Client, BottleNames.SessionId, Ct);
        Assert.DoesNotContain(left, r => r.Contains(bottle, StringComparison.Ordinal));
    }
}
