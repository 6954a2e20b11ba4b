using BotBottle.Testing.Provisioning;
using BotBottle.Testing.Tests.Support;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Tests.Docker;

/// <summary>The Bottle API against a real reference bottle on the docker backend.</summary>
[Trait("Category", "Docker")]
public sealed class DockerBottleTests(ReferenceBottleFixture fixture) : IClassFixture<ReferenceBottleFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public Task A_cancelled_exec_ends_its_process_in_the_agent() => GuestProcesses.AssertACancelledExecEndsInTheGuestAsync(fixture.Bottle);

    [Fact]
    public Task A_cancelled_exec_ends_its_setsid_and_double_forked_descendants() => GuestProcesses.AssertACancelledExecEndsItsDetachedDescendantsAsync(fixture.Bottle);

    [Fact]
    public Task A_cancelled_exec_ends_a_fork_hopper_it_left_in_a_session_of_its_own() => GuestProcesses.AssertACancelledExecEndsAForkHopperAsync(fixture.Bottle);

    [Fact]
    public Task A_finished_exec_keeps_its_daemon_as_a_per_call_exec_would() => GuestProcesses.AssertAFinishedExecKeepsItsDaemonAsync(fixture.Bottle);

    [Fact]
    public async Task Exec_runs_as_node_by_default_and_as_root_when_asked()
    {
        var asNode = (await fixture.Bottle.ExecAsync("id -un; id -u", cancellationToken: Ct)).ThrowOnFailure();
        var asRoot = (await fixture.Bottle.ExecAsync("id -un; id -u", GuestUsers.Root, Ct)).ThrowOnFailure();

        Assert.Equal("node\n1000\n", asNode.Stdout);
        Assert.Equal("root\n0\n", asRoot.Stdout);
    }

    [Fact]
    public async Task Exec_captures_exit_code_stdout_and_stderr_separately()
    {
        var result = await fixture.Bottle.ExecAsync("echo out; echo err >&2; exit 3", cancellationToken: Ct);

        Assert.Equal((3, "out\n", "err\n"), (result.ExitCode, result.Stdout, result.Stderr));
        var error = Assert.Throws<BottleExecFailedException>(() => result.ThrowOnFailure());
        Assert.Contains("exited with 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("out", error.Message, StringComparison.Ordinal);
        Assert.Contains("err", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Home_user_and_the_guest_env_are_visible_to_every_exec()
    {
        var bottle = fixture.Bottle;
        var node = (await bottle.ExecAsync("printf '%s|%s|%s|%s|%s' \"$HOME\" \"$USER\" \"$HTTPS_PROXY\" \"$PROJECT\" \"$CLAUDE_CODE_OAUTH_TOKEN\"", cancellationToken: Ct)).ThrowOnFailure();
        var root = (await bottle.ExecAsync("printf '%s|%s|%s' \"$HOME\" \"$USER\" \"$SSL_CERT_FILE\"", GuestUsers.Root, Ct)).ThrowOnFailure();

        Assert.Equal($"/home/node|node|http://{bottle.Bundle.Address}:3128|alpha beta $x|{GuestEnvironment.PlaceholderToken}", node.Stdout);
        Assert.Equal($"/root|root|{GuestEnvironment.CaBundlePath}", root.Stdout);
    }

    [Fact]
    public async Task The_prompt_file_is_read_only_to_the_agent_and_unreadable_to_others()
    {
        var bottle = fixture.Bottle;
        Assert.Equal(BottleProvisioner.PromptGuestPath, bottle.PromptPath);

        var stat = (await bottle.ExecAsync($"stat -c '%a %U:%G' {BottleProvisioner.PromptDirectory} {bottle.PromptPath}; cat {bottle.PromptPath}", cancellationToken: Ct)).ThrowOnFailure();
        var tamper = await bottle.ExecAsync(
            $"p={bottle.PromptPath}; echo x >> $p && echo appended; mv $p $p.old && echo moved; rm -f $p && echo removed; ln -sf /tmp/x $p && echo linked; true",
            cancellationToken: Ct);
        var other = await bottle.ExecAsync($"cat {bottle.PromptPath} && echo read", "nobody", Ct);
        var after = (await bottle.ExecAsync($"cat {bottle.PromptPath}", GuestUsers.Root, Ct)).ThrowOnFailure();

        Assert.Equal("750 root:node\n640 root:node\nYou are inside a bottle.\nBehave.", stat.Stdout);
        Assert.Equal("", tamper.Stdout);
        Assert.DoesNotContain("read", other.Stdout, StringComparison.Ordinal);
        Assert.Contains("Permission denied", other.Stderr, StringComparison.Ordinal);
        Assert.Equal("You are inside a bottle.\nBehave.", after.Stdout);
    }

    [Fact]
    public async Task Skills_are_copied_with_their_tree_and_owned_by_node()
    {
        var listing = (await fixture.Bottle.ExecAsync(
            $"cd {BottleProvisioner.SkillsGuestDirectory} && find . -exec stat -c '%U %n' {{}} + | sort && cat release-notes/templates/notes.md",
            cancellationToken: Ct)).ThrowOnFailure();

        Assert.Equal(
            "node .\nnode ./release-notes\nnode ./release-notes/SKILL.md\nnode ./release-notes/templates\nnode ./release-notes/templates/notes.md\n# Notes\n",
            listing.Stdout);
    }

    [Fact]
    public async Task The_home_of_node_is_writable_by_node()
    {
        var result = await fixture.Bottle.ExecAsync("touch ~/.probe && stat -c '%U' ~ ~/.probe", cancellationToken: Ct);

        Assert.Equal("node\nnode\n", result.ThrowOnFailure().Stdout);
    }

    [Fact]
    public async Task Copy_in_honours_owner_and_mode()
    {
        var staging = Directory.CreateTempSubdirectory("bbt-copy-");
        try
        {
            var file = Path.Combine(staging.FullName, "notes: with colon.txt");
            await File.WriteAllTextAsync(file, "payload", Ct);
            await fixture.Bottle.CopyInAsync(file, "/tmp/copied/notes.txt", GuestUsers.Agent, (UnixFileMode)0b110_100_000, Ct);
        }
        finally
        {
            staging.Delete(recursive: true);
        }

        var stat = (await fixture.Bottle.ExecAsync("stat -c '%a %U' /tmp/copied/notes.txt; cat /tmp/copied/notes.txt", cancellationToken: Ct)).ThrowOnFailure();

        Assert.Equal("640 node\npayload", stat.Stdout);
    }

    [Fact]
    public async Task The_real_claude_cli_runs_as_node()
    {
        var result = (await fixture.Bottle.ExecAsync("claude --version", cancellationToken: Ct)).ThrowOnFailure();

        Assert.Contains(TestImages.ClaudeVersion + " (Claude Code)", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Claude_refuses_the_permission_bypass_as_root_but_not_as_node()
    {
        const string refusal = "cannot be used with root/sudo privileges";
        // Interactive (under a PTY from script(1)) and without a token to validate first, the root
        // check is the first thing claude does; with a token it comes only after a network round trip.
        const string run = "env -u CLAUDE_CODE_OAUTH_TOKEN timeout 10 script -qec 'claude --dangerously-skip-permissions' /dev/null 2>&1; echo \"rc=$?\"";

        var asRoot = await fixture.Bottle.ExecAsync(run, GuestUsers.Root, Ct);
        var asNode = await fixture.Bottle.ExecAsync(run, cancellationToken: Ct);

        Assert.Contains(refusal, asRoot.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("rc=0", asRoot.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(refusal, asNode.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_interactive_command_line_is_docker_exec_with_runuser_and_the_guest_env_by_name_only()
    {
        var bottle = fixture.Bottle;
        var argv = bottle.AgentArgv(["--dangerously-skip-permissions"]);
        var environment = bottle.AgentHostCommand(["--dangerously-skip-permissions"], tty: true).Environment;

        Assert.Equal(["docker", "exec", "-i", "-t", "-e", "HTTPS_PROXY"], argv.Take(6));
        Assert.Equal(["-u", "0", bottle.Name + "-agent", "runuser", "-u", "node", "--", "env", "HOME=/home/node", "USER=node"], argv.SkipWhile(a => a != "-u").Take(10));
        Assert.Contains("PROJECT", argv);
        Assert.DoesNotContain(argv, a => a.Contains("alpha beta", StringComparison.Ordinal) || a.Contains("egress-placeholder", StringComparison.Ordinal));
        Assert.Equal("alpha beta $x", environment["PROJECT"]);
        Assert.Equal(["claude", "--append-system-prompt-file", BottleProvisioner.PromptGuestPath, "--dangerously-skip-permissions"], argv.TakeLast(4));
        Assert.DoesNotContain("-t", bottle.AgentArgv(["-p", "hi"], tty: false));
    }

    [Fact]
    public async Task The_interactive_command_line_really_runs_the_agent()
    {
        var bottle = fixture.Bottle;
        var argv = bottle.AgentArgv(["--version"], tty: false);

        var result = await CliWrap.Buffered.BufferedCommandExtensions.ExecuteBufferedAsync(
            CliWrap.Cli.Wrap(argv[0]).WithArguments(argv.Skip(1)).WithValidation(CliWrap.CommandResultValidation.None), Ct);
        var exitCode = await bottle.ExecAgentAsync(["--version"], tty: false, Ct);

        Assert.Equal((0, ""), (result.ExitCode, result.StandardError));
        Assert.Contains(TestImages.ClaudeVersion, result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, exitCode);
    }
}
