using System.Runtime.InteropServices;
using BotBottle.Testing.Cli;

// botbottle [conformance|probes|prerequisites] [options]: see CliArguments.Usage.
var (arguments, error) = CliArguments.Parse(args);
if (arguments is null)
{
    if (error is { Length: > 0 })
    {
        await Console.Error.WriteLineAsync("botbottle: " + error);
    }

    await Console.Error.WriteLineAsync(CliArguments.Usage);
    return error is { Length: > 0 } ? 2 : 0;
}

// Ctrl+C, SIGTERM (an MSBuild task being cancelled) and SIGHUP all cancel the run; what it started is
// torn down before the process exits.
using var cancel = new CancellationTokenSource();
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    Console.Error.WriteLine($"botbottle: {context.Signal}: tearing down");
    cancel.Cancel();
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);
try
{
    return arguments.Command == "prerequisites"
        ? await PrerequisitesCommand.RunAsync(Console.Out, arguments.Json, cancel.Token)
        : await ConformanceCommand.RunAsync(arguments, Console.Out, cancel.Token);
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("botbottle: cancelled; everything started was torn down");
    return 130;
}
