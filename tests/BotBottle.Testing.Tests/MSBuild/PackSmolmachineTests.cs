using BotBottle.Testing.MSBuild.Tasks;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.MSBuild;

/// <summary>PackSmolmachine at the CLI boundary: the recording smolvm stand-in (not a VM) and a stand-in docker that reports an image id.</summary>
public sealed class PackSmolmachineTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("bbt-pack-");
    private readonly StandInSmolvm _smolvm = new();

    private string Docker(string imageId)
    {
        var path = Path.Combine(_dir.FullName, "docker");
        File.WriteAllText(path, $"#!/bin/sh\n[ \"$1 $2\" = 'image inspect' ] || exit 9\ncase \"$*\" in *missing/image*) echo 'Error: No such image' >&2; exit 1 ;; esac\necho {imageId}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private (PackSmolmachine Task, RecordingBuildEngine Engine) Make(string imageId, string image = "botbottle/agent:reference")
    {
        var engine = new RecordingBuildEngine();
        var task = new PackSmolmachine
        {
            BuildEngine = engine,
            Image = image,
            OutputStub = Path.Combine(_dir.FullName, "out", "agent"),
            DockerCli = Docker(imageId),
            ToolPath = Path.GetDirectoryName(_smolvm.ExecutablePath)!,
            EnvironmentVariables = _smolvm.Options.Environment.Select(p => $"{p.Key}={p.Value}").ToArray(),
        };
        return (task, engine);
    }

    [Fact]
    public void It_packs_once_per_image_id_and_again_when_the_image_changes()
    {
        var (first, engine) = Make("sha256:aaa");
        Assert.True(first.Execute(), engine.Log);
        Assert.True(first.Packed);
        Assert.Equal(first.OutputStub + ".smolmachine", first.PackedMachine);
        Assert.Equal(["pack", "create", "--image", "botbottle/agent:reference", "-o", first.OutputStub], _smolvm.Calls().Single());

        var (again, _) = Make("sha256:aaa");
        Assert.True(again.Execute());
        Assert.False(again.Packed);
        Assert.Single(_smolvm.Calls());

        var (changed, _) = Make("sha256:bbb");
        Assert.True(changed.Execute());
        Assert.True(changed.Packed);
        Assert.Equal(2, _smolvm.Calls().Count);
    }

    [Fact]
    public void Without_smolvm_it_is_skipped_with_a_message_and_the_build_goes_on()
    {
        var (task, engine) = Make("sha256:aaa");
        task.ToolPath = "";
        task.ToolExe = "smolvm-not-installed-here";

        Assert.True(task.Execute());

        Assert.Empty(_smolvm.Calls());
        Assert.Contains(engine.Messages, m => m.Message!.StartsWith("PackSmolmachine skipped: smolvm is not on PATH", StringComparison.Ordinal));
    }

    [Fact]
    public void An_image_missing_from_the_engine_is_an_error()
    {
        var (task, engine) = Make("sha256:aaa", image: "missing/image:1");

        Assert.False(task.Execute());

        Assert.Equal("BBT0402", Assert.Single(engine.Errors).Code);
        Assert.Empty(_smolvm.Calls());
    }

    [Fact]
    public void A_failing_smolvm_is_an_error_with_its_exit_code()
    {
        _smolvm.On("pack create*", 3, stderr: "pack: disk full");
        var (task, engine) = Make("sha256:aaa");

        Assert.False(task.Execute());

        Assert.Contains(engine.Errors, e => e.Code == "BBT0401" && e.Message!.Contains("exited 3", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _smolvm.Dispose();
        _dir.Delete(recursive: true);
    }
}
