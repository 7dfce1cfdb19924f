using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OrleansHub.LoadTest;

/// <summary>
/// A silo started for the run (by <see cref="ClusterHost"/>): the built OrleansHub.Silo.dll as a child process in
/// its own directory, on a free loopback port, with the limits a load test needs raised. Its log goes to
/// <c>silo.log</c> in that directory.
/// </summary>
internal sealed class SiloHost : IAsyncDisposable
{
    private readonly Process _process;

    private SiloHost(Process process, string directory, Uri url)
    {
        _process = process;
        Directory = directory;
        Url = url;
    }

    public string Directory { get; }

    public Uri Url { get; }

    public int ProcessId => _process.Id;

    /// <summary>The settings the harness gives its silo (also what a target started by hand needs).</summary>
    public static IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Execution__Mode"] = "UnsafeLocal", // scheduling, not the sandbox (tests/Execution.Tests covers that)
        // No log line per request: at thousands of requests a second the console would cost more than the work.
        ["Logging__MinimumLevel"] = "Warning",
        ["RateLimits__Anonymous__PermitLimit"] = "1000000",
        ["RateLimits__PerCaller__PermitLimit"] = "1000000",
        ["RateLimits__Auth__PermitLimit"] = "1000000",
        // One running task per workspace: the harness parks one long task in each, so the tasks it creates
        // stay queued until it cancels them and no process is started per request.
        ["Tasks__MaxRunningPerWorkspace"] = "1",
        ["Tasks__MaxActivePerUser"] = "10000",
        // The connections are spread over few users (10,000 over 50 in the delivery run): the per-user cap's
        // default (20) would refuse most of them.
        ["Realtime__MaxConnectionsPerUser"] = "10000",
    };

    /// <summary>
    /// Starts the silo in <paramref name="directory"/> with <see cref="Settings"/> plus <paramref name="cluster"/>
    /// (its database, cluster id, signing key, ...), and waits until it is ready.
    /// </summary>
    public static async Task<SiloHost> StartAsync(
        string dll, string directory, IReadOnlyDictionary<string, string> cluster, CancellationToken cancellationToken)
    {
        var url = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{FreePort()}"));
        var log = Path.Combine(directory, "silo.log");

        // Through sh so the log goes straight to a file: no pipe for this process to drain under load.
        var start = new ProcessStartInfo("/bin/sh") { WorkingDirectory = directory, UseShellExecute = false };
        foreach (var argument in new[] { "-c", "exec \"$0\" \"$1\" >\"$2\" 2>&1", DotnetHost(), dll, log })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment["Urls"] = url.ToString().TrimEnd('/');
        foreach (var (name, value) in Settings.Concat(cluster))
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the silo.");
        var host = new SiloHost(process, directory, url);
        try
        {
            await host.WaitReadyAsync(log, cancellationToken);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>The silo's resident memory (VmRSS), in bytes, or null when it cannot be read.</summary>
    public long? ResidentBytes() => ProcessMemory.ResidentBytes(_process.Id);

    /// <summary>CPU seconds the silo used so far (null when they cannot be read).</summary>
    public double? CpuSeconds() => Machine.ProcessCpuSeconds(_process.Id);

    /// <summary>Stops the silo with SIGTERM (a graceful shutdown, as in a rolling restart), killing it after a minute.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("/bin/sh", ["-c", "kill -TERM \"$0\"", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await _process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
    }

    private async Task WaitReadyAsync(string log, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(5) };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(3));
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The silo exited with code {_process.ExitCode}:\n{await File.ReadAllTextAsync(log, CancellationToken.None)}");
            }
            try
            {
                using var ready = await http.GetAsync("/health/ready", deadline.Token);
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
            {
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
        : "dotnet";

    public static string FindSiloDll()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OrleansHub.sln")))
            {
                var framework = new DirectoryInfo(AppContext.BaseDirectory).Name;
                var built = Path.Combine(directory.FullName, "Silo", "bin", "Release", framework, "OrleansHub.Silo.dll");
                return File.Exists(built) ? built : throw new FileNotFoundException($"The silo is not built in Release: {built}. Build it, or pass --silo-dll.");
            }
        }
        throw new FileNotFoundException("Could not find the repository (OrleansHub.sln) above the harness; pass --silo-dll.");
    }
}

/// <summary>Resident memory of a process, from /proc.</summary>
internal static class ProcessMemory
{
    public static long? ResidentBytes(int processId)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{processId}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kilobytes = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return kilobytes * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        return null;
    }
}
