using System.CommandLine;

namespace BotBottle.Testing.Cli;

/// <summary><c>botbottle probes</c>: the isolation probes only (<c>--probe ID</c>, repeatable; default: the whole catalogue).</summary>
internal sealed class ProbesCommand : ICliCommand
{
    public Command Create(TextWriter output, TextWriter error)
    {
        var options = new CliOptions();
        var probes = new Option<string[]>("--probe") { Description = "a catalogue check id (repeatable; default: all)", HelpName = "ID", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
        var command = new Command("probes", "the isolation probes only, on every backend asked for") { probes };
        options.AddTo(command);
        command.SetAction((parsed, ct) => ConformanceCommand.RunAsync(options.Read(parsed, "probes") with { Probes = parsed.GetValue(probes) ?? [] }, output, error, ct));
        return command;
    }
}
