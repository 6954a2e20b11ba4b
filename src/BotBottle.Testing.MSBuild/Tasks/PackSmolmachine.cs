using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using BotBottle.Testing.MSBuild.Cli;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace BotBottle.Testing.MSBuild.Tasks;

/// <summary>
/// <c>smolvm pack create --image REF -o STUB</c>, incremental: keyed by the image reference and its id in the
/// local docker engine, so an unchanged image is not packed again. Skipped, with a message, where smolvm is absent.
/// </summary>
public sealed class PackSmolmachine : ToolTask
{
    /// <summary>The docker image to pack.</summary>
    [Required]
    public string Image { get; set; } = "";

    /// <summary>The output stub; smolvm writes <c>&lt;stub&gt;.smolmachine</c>.</summary>
    [Required]
    public string OutputStub { get; set; } = "";

    /// <summary>The docker CLI used to read the image id.</summary>
    public string DockerCli { get; set; } = "docker";

    /// <summary>The packed machine (<c>&lt;stub&gt;.smolmachine</c>), when there is one.</summary>
    [Output]
    public string? PackedMachine { get; private set; }

    /// <summary>Whether smolvm ran (false: up to date, or skipped).</summary>
    [Output]
    public bool Packed { get; private set; }

    /// <inheritdoc />
    protected override string ToolName => "smolvm";

    private string Machine => OutputStub + ".smolmachine";

    private string Stamp => OutputStub + ".bbt-stamp";

    /// <inheritdoc />
    public override bool Execute()
    {
        if (string.IsNullOrEmpty(ToolPath) && FindOnPath(ToolExe) is null)
        {
            Log.LogMessage(MessageImportance.High, $"PackSmolmachine skipped: smolvm is not on PATH (it needs macOS, or Linux with /dev/kvm); {Image} was not packed");
            return true;
        }

        var id = ImageId();
        if (id is null)
        {
            return false;
        }

        var key = Image + "\n" + id;
        if (File.Exists(Machine) && File.Exists(Stamp) && File.ReadAllText(Stamp) == key)
        {
            Log.LogMessage(MessageImportance.Normal, $"{Machine} is up to date ({Image} is still {id})");
            PackedMachine = Machine;
            return true;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(OutputStub))!);
        if (!base.Execute() || !File.Exists(Machine))
        {
            if (!Log.HasLoggedErrors)
            {
                Log.LogError(null, ErrorCodes.PackFailed, null, null, 0, 0, 0, 0, $"smolvm pack create did not write {Machine}");
            }

            return false;
        }

        File.WriteAllText(Stamp, key);
        PackedMachine = Machine;
        Packed = true;
        return true;
    }

    /// <inheritdoc />
    protected override string GenerateFullPathToTool() => FindOnPath(ToolExe) ?? ToolExe;

    /// <inheritdoc />
    protected override string GenerateCommandLineCommands() =>
        ArgumentQuoting.Join(["pack", "create", "--image", Image, "-o", OutputStub]);

    /// <inheritdoc />
    protected override void LogToolCommand(string message) => Log.LogMessage(MessageImportance.Normal, message);

    /// <inheritdoc />
    protected override bool HandleTaskExecutionErrors()
    {
        Log.LogError(null, ErrorCodes.PackFailed, null, null, 0, 0, 0, 0, $"smolvm pack create --image {Image} exited {ExitCode}");
        return false;
    }

    private string? ImageId()
    {
        var start = new ProcessStartInfo(DockerCli, ArgumentQuoting.Join(["image", "inspect", "--format", "{{.Id}}", Image]))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        try
        {
            using var docker = Process.Start(start)!;
            var output = docker.StandardOutput.ReadToEnd();
            var error = docker.StandardError.ReadToEnd();
            docker.WaitForExit();
            if (docker.ExitCode == 0 && output.Trim().Length > 0)
            {
                return output.Trim();
            }

            Log.LogError(null, ErrorCodes.PackImageMissing, null, null, 0, 0, 0, 0, $"{Image} is not in the local docker engine: {error.Trim()}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Log.LogError(null, ErrorCodes.PackImageMissing, null, null, 0, 0, 0, 0, $"cannot read the id of {Image}: '{DockerCli}' did not start ({e.Message})");
        }

        return null;
    }

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Where(d => d.Length > 0).Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
}
