using BotBottle.Testing.Images;
using System.CommandLine;

namespace BotBottle.Testing.Cli;

/// <summary><c>botbottle images</c>: builds the reference images from the recipes the package carries (<see cref="ReferenceImages"/>).</summary>
internal sealed class ImagesCommand : ICliCommand
{
    public Command Create(TextWriter output, TextWriter error)
    {
        var build = new Option<string>("--build")
        {
            Description = "auto (offline where it can run: root with apt), offline (mmdebstrap, Debian's packages and npm, no registry) or dockerfile (docker build, needs a registry)",
            HelpName = "auto|offline|dockerfile",
            DefaultValueFactory = _ => "auto",
        };
        build.AcceptOnlyFromAmong("auto", "offline", "dockerfile");
        var cache = new Option<string?>("--cache-dir") { Description = "where the recipes are unpacked (default: ~/.cache/botbottle/images)", HelpName = "DIR" };
        var command = new Command("images", $"build the reference images ({ReferenceImages.Agent}, {ReferenceImages.Bundle}, {ReferenceImages.Prober}) unless they are up to date") { build, cache };
        command.SetAction(async (parsed, ct) =>
        {
            try
            {
                var images = await ReferenceImages.EnsureAsync(new ReferenceImageOptions { Build = Enum.Parse<ReferenceImageBuild>(parsed.GetValue(build) ?? "auto", ignoreCase: true), CacheDirectory = parsed.GetValue(cache), Progress = error.WriteLine }, ct);
                await output.WriteLineAsync("images: " + string.Join(", ", images) + " are up to date");
                return 0;
            }
            catch (ReferenceImageException e)
            {
                await error.WriteLineAsync("botbottle: " + e.Message);
                return 1;
            }
        });
        return command;
    }
}
