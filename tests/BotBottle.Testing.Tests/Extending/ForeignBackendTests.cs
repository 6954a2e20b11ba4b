using System.Text;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Extending;

/// <summary>
/// A backend defined outside the core (<see cref="DockerCliBackend"/>, public interface only) launches a real bottle:
/// the harness's launch sequence puts its agent beside the bundle, and exec as a user and copy-in work through it.
/// </summary>
[Trait("Category", "Docker")]
public sealed class ForeignBackendTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_backend_of_another_assembly_launches_a_bottle_that_execs_as_its_users_and_copies_in()
    {
        var backend = new DockerCliBackend();
        await BackendGate.RequireAsync(backend);
        var bottle = new BottleBuilder().WithBackend(backend).WithAgentImage(TestImages.Agent).WithBundleImage(TestImages.Bundle).WithEnv("PROJECT", "alpha beta").Build();
        var payload = "payload " + Guid.NewGuid().ToString("N");
        var tree = Directory.CreateTempSubdirectory("bbt-foreign-");
        try
        {
            await using (bottle)
            {
                await bottle.StartAsync(Ct);

                var node = (await bottle.ExecAsync("id -un; echo $HOME; echo $PROJECT", Ct)).ThrowOnFailure();
                var root = (await bottle.ExecAsync(["id", "-un"], GuestUsers.Root, Ct)).ThrowOnFailure();
                var failed = await bottle.ExecAsync("exit 7", Ct);
                var proxy = (await bottle.ExecAsync("echo $HTTPS_PROXY", Ct)).ThrowOnFailure();

                await bottle.CopyInAsync(Encoding.UTF8.GetBytes(payload), "/home/node/payload.txt", GuestUsers.Agent, (UnixFileMode)0b110_000_000, Ct);
                Directory.CreateDirectory(Path.Combine(tree.FullName, "sub"));
                await File.WriteAllTextAsync(Path.Combine(tree.FullName, "sub", "b.txt"), "from a tree", Ct);
                await bottle.CopyInAsync(tree.FullName, "/home/node/tree", GuestUsers.Agent, cancellationToken: Ct);
                var copied = (await bottle.ExecAsync("cat /home/node/payload.txt; echo; stat -c '%U %a' /home/node/payload.txt; cat /home/node/tree/sub/b.txt; echo; stat -c %U /home/node/tree/sub", Ct)).ThrowOnFailure();
                var readBack = await bottle.ReadFileAsync("/home/node/payload.txt", GuestUsers.Agent, cancellationToken: Ct);

                Assert.Equal("node\n/home/node\nalpha beta\n", node.Stdout);
                Assert.Equal("root\n", root.Stdout);
                Assert.Equal(7, failed.ExitCode);
                Assert.Contains(bottle.Bundle.Address, proxy.Stdout, StringComparison.Ordinal);
                Assert.Equal($"{payload}\nnode 600\nfrom a tree\nnode\n", copied.Stdout);
                Assert.Equal(payload, Encoding.UTF8.GetString(readBack));
                Assert.Equal(DockerCliBackend.BackendName, bottle.Backend);
                Assert.StartsWith(DockerCliBackend.BackendName + " (docker CLI, Engine ", bottle.BackendLabel, StringComparison.Ordinal);
                Assert.True(bottle.AgentResolvesPeers);
            }

            // Torn down with the bottle: the agent container the backend started is gone.
            var left = await DockerCli.RunAsync("docker", ["ps", "-a", "-q", "--filter", $"name=^{bottle.Name}-agent$"], new Dictionary<string, string?>(), null, Ct);
            Assert.Equal("", left.Stdout.Trim());
        }
        finally
        {
            tree.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_backend_that_launches_no_agent_fails_the_launch_and_leaves_nothing()
    {
        var backend = new NoAgentBackend();
        await BackendGate.RequireAsync(new DockerCliBackend());
        var bottle = new BottleBuilder().WithBackend(backend).WithAgentImage(TestImages.Agent).WithBundleImage(TestImages.Bundle).Build();
        await using (bottle)
        {
            var failure = await Assert.ThrowsAsync<BottleLaunchException>(() => bottle.StartAsync(Ct));

            Assert.Equal("create agent", failure.Step);
            Assert.IsType<NotSupportedException>(failure.InnerException);
        }

        var left = await DockerCli.RunAsync("docker", ["ps", "-a", "-q", "--filter", $"label=dev.botbottle.bottle={bottle.Name}"], new Dictionary<string, string?>(), null, Ct);
        Assert.Equal("", left.Stdout.Trim());
    }

    /// <summary>A backend that overrides nothing but its name and prerequisites.</summary>
    private sealed class NoAgentBackend : BottleBackend
    {
        public override string Name => "no-agent";

        public override Task<PrerequisiteReport> CheckPrerequisitesAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult(new PrerequisiteReport(Name, []));
    }
}
