using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;

namespace OrleansHub.LoadTest;

/// <summary>
/// One run: users and groups through the REST API, connections ramped up at <see cref="LoadOptions.ConnectRate"/>,
/// paced writers for the warm-up and the measured window, a drain, then the final seq check of every stream.
/// </summary>
internal sealed class LoadRun(LoadOptions options, IReadOnlyList<Uri> servers, IReadOnlyList<SiloHost> silos)
{
    private readonly LoadStats _stats = new();
    private static readonly TimeSpan MaxPaceLag = TimeSpan.FromMilliseconds(50);

    private readonly Lock _paceLock = new();
    private long _nextDue;

    public async Task<LoadReport> RunAsync(CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var loadBefore = Machine.LoadAverage();
        // REST (set-up and writers) round-robin over the silos; negotiation goes to the connection's own silo.
        using var roundRobin = new RoundRobinHandler(servers, new SocketsHttpHandler { MaxConnectionsPerServer = options.Writers + 32 });
        using var http = new HttpClient(roundRobin) { BaseAddress = servers[0], Timeout = TimeSpan.FromSeconds(60) };
        using var negotiate = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var rest = new RestDriver(http, _stats);

        Console.WriteLine($"Registering {options.Users} users ...");
        var users = await InParallelAsync(options.Users, 4, _ => rest.RegisterAsync(cancellationToken), cancellationToken);
        var ramp = TimeSpan.FromSeconds(options.Connections / (double)options.ConnectRate);
        var park = (int)Math.Min(3_600, (ramp + options.Warmup + options.Duration + options.Drain).TotalSeconds + 600);
        Console.WriteLine($"Creating {options.Groups} workspaces (each with a parked task) and stores ...");
        var groups = await InParallelAsync(options.Groups, 8, i => rest.CreateGroupAsync(users[i % users.Count], park, cancellationToken), cancellationToken);

        Console.WriteLine($"Opening {options.Connections} hub connections at {options.ConnectRate}/s ...");
        using var socketHandler = new SocketsHttpHandler();
        using var sockets = new HttpMessageInvoker(socketHandler);
        var (connections, connectFailures) = await ConnectAllAsync(groups, negotiate, sockets, cancellationToken);
        Console.WriteLine($"{connections.Count} connections open, {connectFailures.Count} failed.");

        using var background = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var memory = new MemorySampler(silos);
        var pinging = PingAsync(connections, background.Token);
        var sampling = memory.RunAsync(background.Token);

        using var writing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _nextDue = Stopwatch.GetTimestamp();
        var writers = Enumerable.Range(0, options.Writers).Select(w => WriterAsync(w, groups, rest, writing.Token)).ToArray();
        Console.WriteLine($"Writers running: {options.Writers}, rate {(options.Rate == 0 ? "unpaced" : options.Rate + "/s")}, scenario {options.Scenario}; warm-up {options.Warmup.TotalSeconds:0} s ...");
        await Task.Delay(options.Warmup, cancellationToken);

        var cpuBefore = Machine.CpuSeconds(silos);
        var gcBefore = ClientGc.Now();
        var eventsBefore = _stats.Events;
        _stats.Measuring = true;
        var window = Stopwatch.StartNew();
        Console.WriteLine($"Measuring for {options.Duration.TotalSeconds:0} s ...");
        await Task.Delay(options.Duration, cancellationToken);
        _stats.Measuring = false;
        window.Stop();
        var cpuAfter = Machine.CpuSeconds(silos);
        var gcInWindow = ClientGc.Now() - gcBefore;
        var eventsInWindow = _stats.Events - eventsBefore;
        await writing.CancelAsync();
        await Task.WhenAll(writers);

        Console.WriteLine("Draining ...");
        await DrainAsync(cancellationToken);
        var closedDuringRun = new Dictionary<string, long>(_stats.CloseReasons);
        var (tailLost, checkedConnections) = await CheckTailsAsync(connections, cancellationToken);

        await background.CancelAsync();
        await Task.WhenAll(pinging, sampling);
        var loadAfter = Machine.LoadAverage();
        await Task.WhenAll(connections.Select(c => c.Connection.CloseAsync()));

        var cluster = new ClusterFigures(
            servers,
            [.. servers.Select((_, i) => connections.Count(c => c.Silo == i))],
            roundRobin.Sent,
            CrossSiloShare.Of(connections.Select(c => (c.Group, c.Silo, c.Connection.EventsReceived)), servers.Count));
        return new LoadReport(
            options, started, loadBefore, loadAfter, window.Elapsed, _stats, connections.Count, connectFailures,
            closedDuringRun, eventsInWindow, tailLost, checkedConnections, memory, cpuBefore, cpuAfter, gcInWindow, cluster);
    }

    private async Task<(List<OpenConnection> Open, List<string> Failures)> ConnectAllAsync(
        IReadOnlyList<LoadGroup> groups, HttpClient http, HttpMessageInvoker sockets, CancellationToken cancellationToken)
    {
        var open = new List<OpenConnection>();
        var failures = new List<string>();
        using var inFlight = new SemaphoreSlim(256);
        var tasks = new List<Task>();
        var ramp = Stopwatch.StartNew();
        for (var i = 0; i < options.Connections; i++)
        {
            var due = TimeSpan.FromSeconds(i / (double)options.ConnectRate);
            if (due > ramp.Elapsed)
            {
                await Task.Delay(due - ramp.Elapsed, cancellationToken);
            }
            await inFlight.WaitAsync(cancellationToken);
            // The k-th connection of a group goes to silo (group + k) mod N: every group's connections are spread
            // over all silos, so each event is delivered on every silo whichever silo produced it.
            var group = i % groups.Count;
            tasks.Add(ConnectOneAsync(group, (group + (i / groups.Count)) % servers.Count));
        }
        await Task.WhenAll(tasks);
        return (open, failures);

        async Task ConnectOneAsync(int group, int silo)
        {
            IHubLoadConnection connection = options.Client == "official"
                ? new OfficialHubLoadConnection(_stats, groups[group].WorkspaceStream, groups[group].StoreStream)
                : new HubLoadConnection(_stats, http, sockets, groups[group].WorkspaceStream, groups[group].StoreStream);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(60));
                await connection.ConnectAsync(servers[silo], groups[group].Owner.AccessToken, timeout.Token);
                await connection.SubscribeAsync(0, timeout.Token);
                await connection.SubscribeAsync(1, timeout.Token);
                lock (open)
                {
                    open.Add(new OpenConnection(connection, group, silo));
                }
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                lock (failures)
                {
                    failures.Add(exception.GetType().Name + ": " + exception.Message);
                }
                await connection.CloseAsync();
            }
            finally
            {
                inFlight.Release();
            }
        }
    }

    private async Task WriterAsync(int writer, IReadOnlyList<LoadGroup> groups, RestDriver rest, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var random = new Random(writer);
        for (var round = 0; !cancellationToken.IsCancellationRequested; round++)
        {
            var group = groups[random.Next(groups.Count)];
            var orders = options.Scenario == "orders" || (options.Scenario == "mixed" && (round + writer) % 2 == 1);
            try
            {
                if (orders)
                {
                    await rest.OrderFlowAsync(group, PaceAsync, cancellationToken);
                }
                else
                {
                    await rest.TaskFlowAsync(group, PaceAsync, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    // Requests are due 1/rate apart. A request that finds the schedule behind by more than MaxPaceLag (the
    // silo could not keep up, e.g. while it warmed up) takes a slot MaxPaceLag in the past instead: a stall
    // is not made up later with a burst, so the measured rate is never above --rate.
    private async ValueTask PaceAsync(CancellationToken cancellationToken)
    {
        if (options.Rate == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return;
        }
        long due;
        lock (_paceLock)
        {
            var lagLimit = Stopwatch.GetTimestamp() - (long)(MaxPaceLag.TotalSeconds * Stopwatch.Frequency);
            due = Math.Max(_nextDue, lagLimit);
            _nextDue = due + (long)(Stopwatch.Frequency / (double)options.Rate);
        }
        var wait = due - Stopwatch.GetTimestamp();
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency), cancellationToken);
        }
        cancellationToken.ThrowIfCancellationRequested();
    }

    // Until no event arrived for two seconds, or the drain time is up.
    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        var last = _stats.Events;
        var quiet = Stopwatch.StartNew();
        while (deadline.Elapsed < options.Drain && quiet.Elapsed < TimeSpan.FromSeconds(2))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            if (_stats.Events != last)
            {
                last = _stats.Events;
                quiet.Restart();
            }
        }
    }

    // Asks each stream's last seq again and counts what each still-open connection never received.
    private static async Task<(long Lost, int Checked)> CheckTailsAsync(
        List<OpenConnection> connections, CancellationToken cancellationToken)
    {
        long lost = 0;
        var checkedConnections = 0;
        foreach (var members in connections.Where(c => c.Connection.Open).GroupBy(c => c.Group))
        {
            long[] final;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(30));
                var probe = members.First().Connection;
                final = [await probe.SubscribeAsync(0, timeout.Token), await probe.SubscribeAsync(1, timeout.Token)];
            }
            catch (Exception exception) when (exception is InvalidOperationException or OperationCanceledException or HubException && !cancellationToken.IsCancellationRequested)
            {
                Console.Error.WriteLine($"warning: could not read the last seqs of group {members.Key}: {exception.Message}");
                continue;
            }
            foreach (var connection in members.Select(m => m.Connection))
            {
                checkedConnections++;
                for (var stream = 0; stream < final.Length; stream++)
                {
                    lost += Math.Max(0, final[stream] - connection.LastSeq(stream));
                }
            }
        }
        return (lost, checkedConnections);
    }

    // Each connection pings every 10 s, spread evenly over the interval as independent clients' keep-alives
    // are: sent all at once, 10,000 pings were a 200 ms stall every 10 s that no real load has.
    private static async Task PingAsync(List<OpenConnection> connections, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(10);
        var slack = TimeSpan.FromMilliseconds(20);
        try
        {
            await Task.Delay(interval, cancellationToken);
            while (true)
            {
                var round = Stopwatch.StartNew();
                for (var i = 0; i < connections.Count; i++)
                {
                    var ahead = (interval * i / connections.Count) - round.Elapsed;
                    if (ahead > slack)
                    {
                        await Task.Delay(ahead, cancellationToken);
                    }
                    await connections[i].Connection.PingAsync(cancellationToken);
                }
                if (interval - round.Elapsed is { Ticks: > 0 } rest)
                {
                    await Task.Delay(rest, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task<List<T>> InParallelAsync<T>(int count, int parallelism, Func<int, Task<T>> create, CancellationToken cancellationToken)
    {
        var results = new T[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (i, _) => results[i] = await create(i));
        return [.. results];
    }
}

/// <summary>An open hub connection of the run: the group whose streams it follows and the silo it is on.</summary>
internal sealed record OpenConnection(IHubLoadConnection Connection, int Group, int Silo);
