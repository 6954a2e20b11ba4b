using BotBottle.Testing.SmolvmEmulator;

// smolvm-emulator: behaves like the smolvm CLI of the release named by SMOLVM_EMULATOR_VERSION (grammar,
// state, messages, exit codes), with a container as the guest. Every fact it reproduces was read in smolvm's
// source at that release's tag; where a behaviour is inferred rather than read, the code says so.
var version = Environment.GetEnvironmentVariable("SMOLVM_EMULATOR_VERSION") is { Length: > 0 } v ? v : "1.9.3";

// src/main.rs: an executable whose file stem is neither `smolvm` nor `smolvm-bin` prints the stray-stub note on
// every command, before parsing (current_exe() resolves symlinks on Linux). The wrapper passes its own path here.
if (Environment.GetEnvironmentVariable("SMOLVM_EMULATOR_EXE") is { Length: > 0 } exe
    && Path.GetFileNameWithoutExtension(exe) is var stem and not ("smolvm" or "smolvm-bin"))
{
    Console.Error.WriteLine($"note: no packed assets found for '{stem}' (looked for a '{stem}.smolmachine' sidecar next to the executable); running as the plain smolvm CLI. If this is a packed binary, keep its .smolmachine file alongside it.");
}

try
{
    return new Smolvm(Grammar.Load(version), new MachineStore()).Run(args);
}
catch (UsageException e)
{
    // smolvm prints its own failures as "Error: <message>" and exits 1 (src/main.rs); clap's usage errors exit 2.
    // Before that line, main.rs traces `debug!(error = %e, "command failed")`, which an inherited RUST_LOG=debug shows.
    Console.Out.Flush();
    if (e.ExitCode == 1 && Tracing.Enabled("debug"))
    {
        Tracing.Line("DEBUG", "command failed error=" + e.Message["Error: ".Length..]);
    }

    Console.Error.WriteLine(e.Message);
    return e.ExitCode;
}
catch (PanicException e)
{
    // A Rust panic: the default hook prints this on stderr and the process exits 101.
    Console.Out.Flush();
    Console.Error.WriteLine($"\nthread 'main' panicked at {e.Location}:\n{e.Message}\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace");
    return 101;
}
