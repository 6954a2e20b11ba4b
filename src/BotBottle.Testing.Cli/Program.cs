using System.Runtime.InteropServices;
using BotBottle.Testing.Cli;

// botbottle COMMAND [options]: the commands are registered in CliCommands; `botbottle --help` lists them.
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
    return await CliCommands.RunAsync(args, Console.Out, Console.Error, cancel.Token);
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("botbottle: cancelled; everything started was torn down");
    return 130;
}
