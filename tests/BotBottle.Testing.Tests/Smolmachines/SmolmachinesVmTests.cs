using BotBottle.Testing.Bottles;
using BotBottle.Testing.Docker;
using BotBottle.Testing.Provisioning;
using BotBottle.Testing.Smolmachines;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Smolmachines;

/// <summary>
/// Real microVMs. They run unchanged on a Mac (or Linux with KVM) with smolvm and docker, and are
/// skipped elsewhere with every missing prerequisite named.
/// </summary>
[Trait("Category", "Smolmachines")]
public sealed class SmolmachinesVmTests
{
    private static SmolmachinesBackend Backend() =>
        new(new DockerBundleHost(isolation: BottleNetworkIsolation.HostReachable), new SmolmachinesOptions { Cpus = 2, MemoryMib = 2048 });

    [Fact]
    public async Task A_vm_bottle_answers_an_exec_as_node()
    {
        var backend = Backend();
        await BackendGate.RequireAsync(backend);
        await using var bottle = await backend.LaunchAsync(ReferenceImages.Spec, TestContext.Current.CancellationToken);

        var result = (await bottle.ExecAsync("echo hello-from-vm; id -un", cancellationToken: TestContext.Current.CancellationToken)).ThrowOnFailure();

        Assert.Equal("hello-from-vm\nnode\n", result.Stdout);
    }

    [Fact]
    public async Task The_prompt_file_lands_in_the_vm_with_mode_0600()
    {
        var backend = Backend();
        await BackendGate.RequireAsync(backend);
        await using var bottle = await backend.LaunchAsync(ReferenceImages.Spec.WithPrompt("vm prompt"), TestContext.Current.CancellationToken);

        var stat = (await bottle.ExecAsync($"stat -c '%a %U' {BottleProvisioner.PromptGuestPath}; cat {BottleProvisioner.PromptGuestPath}", cancellationToken: TestContext.Current.CancellationToken)).ThrowOnFailure();

        Assert.Equal("600 node\nvm prompt", stat.Stdout);
    }
}
