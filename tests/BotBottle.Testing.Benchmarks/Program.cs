using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/BotBottle.Testing.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(BotBottle.Testing.Benchmarks.ExecBenchmarks).Assembly).Run(args);
