using BenchmarkDotNet.Running;

// Every row of the README's performance table, each against its peer in the same run (Ratio = harness / peer):
//   dotnet run -c Release --project tests/BotBottle.Testing.Benchmarks -- --filter '*'
// A smoke run (every benchmark once, what CI does): BOTBOTTLE_BENCHMARK_SMOKE=1 and the same command.
BenchmarkSwitcher.FromAssembly(typeof(BotBottle.Testing.Benchmarks.ExecBenchmarks).Assembly).Run(args);
