using BenchmarkDotNet.Running;
using OrleansHub.Benchmarks;

// BenchmarkDotNet micro benchmarks of the grain runtime (docs/performance.md has the commands and results).
// Not a test project and never a timed test: the numbers are recorded, never asserted.
// Everything runs in this process (in-process toolchain), so no nested build is needed:
//   dotnet run -c Release --project tests/Benchmarks -- --filter '*'
//   dotnet run -c Release --project tests/Benchmarks -- --filter '*Ping*'
// HUB_TEST_PG (a connection string) uses an existing PostgreSQL instead of starting a throwaway one.
BenchmarkSwitcher.FromAssembly(typeof(BenchmarkConfig).Assembly).Run(args, new BenchmarkConfig());
