using BotBottle.Testing.SmolvmEmulator;

// smolvm-emulator: behaves like the smolvm CLI of the release named by SMOLVM_EMULATOR_VERSION (grammar,
// state, messages, exit codes), with a container as the guest. Every fact it reproduces was read in smolvm's
// source at that release's tag; where a behaviour is inferred rather than read, the code says so.
var version = Environment.GetEnvironmentVariable("SMOLVM_EMULATOR_VERSION") is { Length: > 0 } v ? v : "1.9.3";
try
{
    return new Smolvm(Grammar.Load(version), new MachineStore()).Run(args);
}
catch (UsageException e)
{
    // smolvm prints its own failures as "Error: <message>" and exits 1 (src/main.rs); clap's usage errors exit 2.
    Console.Out.Flush();
    Console.Error.WriteLine(e.Message);
    return e.ExitCode;
}
