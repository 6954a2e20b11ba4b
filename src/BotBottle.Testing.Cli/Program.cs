using BotBottle.Testing.Cli;

// botbottle [--agent-image IMAGE] [--bundle-image IMAGE]
var agent = "botbottle/agent:reference";
var bundle = "botbottle/bundle:reference";
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--agent-image" when i + 1 < args.Length:
            agent = args[++i];
            break;
        case "--bundle-image" when i + 1 < args.Length:
            bundle = args[++i];
            break;
        default:
            await Console.Error.WriteLineAsync("usage: botbottle [--agent-image IMAGE] [--bundle-image IMAGE]");
            return 2;
    }
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await MainJob.RunAsync(agent, bundle, Console.Out, cancel.Token);
