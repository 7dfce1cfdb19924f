using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using OrleansHub.Silo.Postgres;

namespace OrleansHub.Silo.Tests.Support;

/// <summary>
/// The built silo (OrleansHub.Silo.dll) running as a child process in its own temporary working
/// directory, listening on a free loopback port, with its console output captured.
/// </summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SiloProcess(Process process, string workingDirectory, Uri baseAddress)
    {
        _process = process;
        WorkingDirectory = workingDirectory;
        BaseAddress = baseAddress;
    }

    public string WorkingDirectory { get; }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    /// <summary>Data directory of the silo's embedded PostgreSQL (its default, relative to the working directory).</summary>
    public string EmbeddedDataDirectory => Path.Combine(WorkingDirectory, ".data", "pg");

    /// <summary>Everything the silo printed so far, stdout and stderr interleaved.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the silo with the test host's environment plus <paramref name="environment"/> (null removes a variable).</summary>
    public static SiloProcess Start(IReadOnlyDictionary<string, string?> environment) =>
        Start(environment, TemporaryDirectory.Create("orleanshub-silo-test-"), baseAddress: null);

    /// <summary>
    /// Starts the silo again in <paramref name="previous"/>'s working directory and at its address, as a service
    /// manager restarts it after a crash (the embedded database's data stays). The caller disposes only the last
    /// of the two, which removes the directory.
    /// </summary>
    public static SiloProcess Restart(SiloProcess previous, IReadOnlyDictionary<string, string?> environment) =>
        Start(environment, previous.WorkingDirectory, previous.BaseAddress);

    /// <summary>
    /// Starts a new silo process (fresh working directory) listening at <paramref name="baseAddress"/>: a silo of a
    /// cluster restarted in place, whose clients and load balancer know it by that address.
    /// </summary>
    public static SiloProcess StartAt(IReadOnlyDictionary<string, string?> environment, Uri baseAddress) =>
        Start(environment, TemporaryDirectory.Create("orleanshub-silo-test-"), baseAddress);

    private static SiloProcess Start(IReadOnlyDictionary<string, string?> environment, string workingDirectory, Uri? baseAddress)
    {
        baseAddress ??= new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{EmbeddedPostgres.FindFreePort()}"));
        var startInfo = new ProcessStartInfo(SiloBuild.DotnetHost)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.ArgumentList.Add(SiloBuild.SiloDll);

        // Whatever the test run was started with must not choose the database or the address.
        startInfo.Environment.Remove("ConnectionStrings__Hub");
        startInfo.Environment.Remove("ASPNETCORE_URLS");
        startInfo.Environment["Urls"] = baseAddress.ToString().TrimEnd('/');
        // An external database needs a configured signing key (docs/identity.md); a test may override it.
        startInfo.Environment["Auth__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = startInfo };
        var silo = new SiloProcess(process, workingDirectory, baseAddress);
        process.OutputDataReceived += (_, line) => silo.Append(line.Data);
        process.ErrorDataReceived += (_, line) => silo.Append(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    public Task<HttpResponseMessage> GetAsync(string path, CancellationToken cancellationToken = default) =>
        Http.GetAsync(new Uri(BaseAddress, path), cancellationToken);

    /// <summary>
    /// Polls <paramref name="path"/> until it answers <paramref name="status"/>. Fails at once if the
    /// silo exits, and after <paramref name="timeout"/> otherwise, showing the silo's output.
    /// </summary>
    public async Task<HttpResponseMessage> WaitForStatusAsync(string path, HttpStatusCode status, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        string last = "no answer yet";
        while (!deadline.IsCancellationRequested)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The silo exited with code {_process.ExitCode} before {path} answered {(int)status}.\n{Output}");
            }

            try
            {
                var response = await GetAsync(path, deadline.Token);
                if (response.StatusCode == status)
                {
                    return response;
                }

                last = $"{(int)response.StatusCode}";
                response.Dispose();
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                break;
            }
            catch (TaskCanceledException)
            {
                // One request outlived the client's timeout (a silo starting on a busy machine): ask again.
                last = "no answer within the request timeout";
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        throw new TimeoutException($"{path} did not answer {(int)status} within {timeout.TotalSeconds:0} s (last: {last}).\n{Output}");
    }

    /// <summary>Kills the silo with SIGKILL (no shutdown at all) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    /// <summary>Sends SIGTERM, as a service manager would.</summary>
    public async Task TerminateAsync()
    {
        // The shell's kill builtin: /usr/bin/kill comes from procps, which minimal Debian installs lack.
        using var kill = Process.Start("sh", ["-c", "kill -TERM \"$1\"", "sh", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Waits for the silo to exit (output fully read) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The silo did not exit within {timeout.TotalSeconds:0} s.\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>Lines the silo logged at error level or above.</summary>
    public IReadOnlyList<string> ErrorLines() =>
        [.. Output.Split('\n').Where(line => line.Contains(" ERR] ", StringComparison.Ordinal) || line.Contains(" FTL] ", StringComparison.Ordinal))];

    // Whatever a failed test left behind: the process, a server running from its working
    // directory (pg_ctl detaches postgres from the silo's process tree), the directory.
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (File.Exists(Path.Combine(EmbeddedDataDirectory, "postmaster.pid")))
        {
            await EmbeddedPostgres.StopServerAsync(EmbeddedDataDirectory, binDirectory: null, ShutdownMode.Immediate, CancellationToken.None);
        }

        Directory.Delete(WorkingDirectory, recursive: true);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
