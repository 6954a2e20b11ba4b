using System.CommandLine;
using BotBottle.Testing.Probes;

namespace BotBottle.Testing.Cli;

/// <summary><c>botbottle probes</c>: the isolation probes only (<c>--probe ID</c>, repeatable; default: the whole catalogue), and the bypass checks of daemons of your own (<c>--daemon NAME:PORT:CODE</c>).</summary>
internal sealed class ProbesCommand : ICliCommand
{
    public Command Create(TextWriter output, TextWriter error)
    {
        var options = new CliOptions();
        var probes = new Option<string[]>("--probe") { Description = "a catalogue check id (repeatable; default: all)", HelpName = "ID", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
        var daemons = new Option<CatalogueOptions.LoopbackDaemon[]>("--daemon")
        {
            Description = "a loopback daemon of your bundle, NAME:PORT:CODE with a code of BBT0180-BBT0198 (repeatable): its bypass-NAME-port check is added",
            HelpName = "NAME:PORT:CODE",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
            CustomParser = ParseDaemons,
        };
        var command = new Command("probes", "the isolation probes only, on every backend asked for") { probes, daemons };
        options.AddTo(command);
        command.SetAction((parsed, ct) => ConformanceCommand.RunAsync(
            options.Read(parsed, "probes") with
            {
                Probes = parsed.GetValue(probes) ?? [],
                Daemons = parsed.GetValue(daemons) ?? [],
            },
            output,
            error,
            ct));
        return command;
    }

    /// <summary>Each token by the spec's one parser; the first that does not parse is the option's error.</summary>
    private static CatalogueOptions.LoopbackDaemon[] ParseDaemons(System.CommandLine.Parsing.ArgumentResult result)
    {
        var parsed = new List<CatalogueOptions.LoopbackDaemon>();
        foreach (var text in result.Tokens.Select(t => t.Value))
        {
            try
            {
                parsed.Add(CatalogueOptions.LoopbackDaemon.Parse(text));
            }
            catch (FormatException e)
            {
                result.AddError("--daemon: " + e.Message);
                return [];
            }
        }

        return [.. parsed];
    }
}
