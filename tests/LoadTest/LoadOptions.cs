using System.Globalization;

namespace OrleansHub.LoadTest;

/// <summary>Command-line options; every count and duration is bounded.</summary>
internal sealed record LoadOptions
{
    /// <summary>Already running servers (one or several silos of one cluster); when null the harness starts its own.</summary>
    public IReadOnlyList<Uri>? Urls { get; init; }

    /// <summary>Silos the harness starts when <see cref="Urls"/> is null, forming one cluster on one PostgreSQL.</summary>
    public int Silos { get; init; } = 1;

    public int Connections { get; init; } = 1_000;

    /// <summary>Registered users; connections, workspaces and stores are spread over them.</summary>
    public int Users { get; init; } = 10;

    /// <summary>Groups: one workspace and one store each. Every connection follows the two streams of one group.</summary>
    public int Groups { get; init; } = 100;

    /// <summary>Concurrent REST writers (closed loop).</summary>
    public int Writers { get; init; } = 16;

    /// <summary>Status-changing requests per second over all writers; 0 = as fast as the writers go.</summary>
    public int Rate { get; init; } = 100;

    /// <summary>tasks, orders or mixed.</summary>
    public string Scenario { get; init; } = "mixed";

    /// <summary>Long enough for the silo's tiered JIT to settle: at 5 s it still used a fifth of the CPU.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait after the writers stop for the last events to arrive.</summary>
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>light (our allocation-light JSON-protocol client) or official (Microsoft.AspNetCore.SignalR.Client).</summary>
    public string Client { get; init; } = "light";

    /// <summary>Connections opened per second while ramping up.</summary>
    public int ConnectRate { get; init; } = 500;

    public string Output { get; init; } = "loadtest-results.json";

    /// <summary>The silo to start (default: Silo/bin/Release/net10.0 under the repository).</summary>
    public string? SiloDll { get; init; }

    /// <summary>Keep the self-started silo's working directory (its log) afterwards.</summary>
    public bool KeepSiloDirectory { get; init; }

    public const string Usage = """
        OrleansHub load harness: hub connections, REST writers, end-to-end status latency.

          --url URL[,URL...]   target running servers, one URL per silo (default: start them here, see --silos)
          --silos N            silos to start as one cluster on one PostgreSQL started here (default 1, max 8)
          --connections N      hub connections (default 1000, max 50000)
          --users N            registered users (default 10)
          --groups N           workspace+store pairs; each connection follows one pair's two streams (default 100)
          --writers N          concurrent REST writers (default 16)
          --rate N             status-changing requests/s in all, 0 = unpaced (default 100)
          --scenario S         tasks | orders | mixed (default mixed)
          --warmup S           seconds before measuring, for the silo's JIT to settle (default 30)
          --duration S         seconds measured (default 30, max 3000)
          --drain S            seconds to wait for the last events (default 10)
          --connect-rate N     connections opened per second (default 500)
          --client C           light | official: our allocation-light client or Microsoft.AspNetCore.SignalR.Client (default light)
          --output PATH        JSON report (default loadtest-results.json)
          --silo-dll PATH      silo to start (default Silo/bin/Release/net10.0/OrleansHub.Silo.dll)
          --keep-silo-dir      keep the started silos' directory, their logs and the database
        """;

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name == "--keep-silo-dir")
            {
                options = options with { KeepSiloDirectory = true };
                continue;
            }
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{name} needs a value.");
            }
            var value = args[++i];
            options = name switch
            {
                "--url" => options with { Urls = UrlList(value) },
                "--silos" => options with { Silos = Int(name, value, 1, 8) },
                "--connections" => options with { Connections = Int(name, value, 1, 50_000) },
                "--users" => options with { Users = Int(name, value, 1, 1_000) },
                "--groups" => options with { Groups = Int(name, value, 1, 5_000) },
                "--writers" => options with { Writers = Int(name, value, 1, 1_000) },
                "--rate" => options with { Rate = Int(name, value, 0, 100_000) },
                "--scenario" => options with { Scenario = value is "tasks" or "orders" or "mixed" ? value : throw new ArgumentException("--scenario: tasks, orders or mixed.") },
                "--warmup" => options with { Warmup = Seconds(name, value, 0, 600) },
                "--duration" => options with { Duration = Seconds(name, value, 1, 3_000) },
                "--drain" => options with { Drain = Seconds(name, value, 1, 600) },
                "--connect-rate" => options with { ConnectRate = Int(name, value, 1, 100_000) },
                "--client" => options with { Client = value is "light" or "official" ? value : throw new ArgumentException("--client: light or official.") },
                "--output" => options with { Output = value },
                "--silo-dll" => options with { SiloDll = value },
                _ => throw new ArgumentException($"Unknown option {name}."),
            };
        }
        return options.Urls is not null && options.Silos != 1
            ? throw new ArgumentException("--silos starts silos here; with --url name every running silo instead.")
            : options;
    }

    private static Uri[] UrlList(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 and <= 8 } urls
            ? [.. urls.Select(url => new Uri(url, UriKind.Absolute))]
            : throw new ArgumentException("--url: one to eight comma-separated URLs.");

    private static int Int(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{name}: a whole number from {min} to {max}.");

    private static TimeSpan Seconds(string name, string value, int min, int max) => TimeSpan.FromSeconds(Int(name, value, min, max));
}
