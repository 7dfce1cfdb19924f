using OrleansHub.Execution.Tests.Support;
using OrleansHub.TestSupport.Docker;
using static OrleansHub.Execution.Tests.ExecutionTestKit;

namespace OrleansHub.Execution.Tests;

/// <summary>
/// Engine answers are untrusted input: oversized, malformed or hostile ones fail the run with a
/// readable reason and never escape the executor as exceptions. Uses a fake engine.
/// </summary>
public sealed class DockerEngineAnswerTests
{
    private const string ContainerId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public async Task AnUnreachableEngineFailsTheRunReadably()
    {
        using var deadline = Deadline();
        await using var executor = DockerAt("/nonexistent/docker.sock");

        var run = await RunAsync(executor, Spec("true"), deadline.Token);

        Assert.Equal(RunOutcome.Failed, run.Result.Outcome);
        Assert.StartsWith("the Docker engine at /nonexistent/docker.sock is unreachable: ", run.Result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOversizedAnswerIsNotReadPastTheLimit()
    {
        using var deadline = Deadline();
        await using var engine = new FakeDockerEngine(async (request, connection, ct) =>
        {
            // No length announced: the body just keeps coming.
            await FakeDockerEngine.BeginStreamAsync(connection, "application/json", ct);
            var chunk = new byte[64 * 1024];
            for (var i = 0; i < 64; i++)
            {
                await connection.WriteAsync(chunk, ct);
            }
        });
        await using var executor = DockerAt(engine.SocketPath, o => o.Docker.MaxResponseBytes = 64 * 1024);

        var run = await RunAsync(executor, Spec("true"), deadline.Token);

        Assert.Equal(RunOutcome.Failed, run.Result.Outcome);
        Assert.Equal("the Docker engine sent an answer larger than 65536 bytes", run.Result.Error);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"Id\": 42}")]
    [InlineData("{\"Id\": \"../../../../etc/passwd\"}")]
    [InlineData("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[")]
    public async Task AMalformedAnswerFailsTheRunAndIsNotFollowed(string answer)
    {
        using var deadline = Deadline();
        await using var engine = new FakeDockerEngine((request, connection, ct) =>
            FakeDockerEngine.RespondAsync(connection, 201, answer, ct));
        await using var executor = DockerAt(engine.SocketPath);

        var run = await RunAsync(executor, Spec("true"), deadline.Token);

        Assert.Equal(RunOutcome.Failed, run.Result.Outcome);
        Assert.Equal("the Docker engine sent a malformed answer when asked to create the container", run.Result.Error);
        Assert.Single(engine.Requests);
    }

    [Fact]
    public async Task EngineErrorTextIsSanitizedAndShortened()
    {
        using var deadline = Deadline();
        var hostile = "{\"message\": \"first line\\nsecond\\u0007line \\u001b[31m" + new string('x', 5000) + "\"}";
        await using var engine = new FakeDockerEngine((request, connection, ct) =>
            FakeDockerEngine.RespondAsync(connection, 500, hostile, ct));
        await using var executor = DockerAt(engine.SocketPath);

        var run = await RunAsync(executor, Spec("true"), deadline.Token);

        Assert.Equal(RunOutcome.Failed, run.Result.Outcome);
        Assert.StartsWith("the Docker engine refused to create the container: first line second line", run.Result.Error, StringComparison.Ordinal);
        Assert.EndsWith("... (HTTP 500)", run.Result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Result.Error!, char.IsControl);
        Assert.InRange(run.Result.Error!.Length, 300, 400);
    }

    /// <summary>
    /// Docker.DotNet reads the frames; what it rejects (a type that is not 0-2), what it lets
    /// through but we do not expect (stdin), and what breaks its read (a size of 2 GiB or more)
    /// all fail the run readably.
    /// </summary>
    [Theory]
    [InlineData(new byte[] { 7, 0, 0, 0, 0, 0, 0, 1, (byte)'?' }, "unknown stream type")]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 1, (byte)'?' }, "a frame for stdin")]
    [InlineData(new byte[] { 1, 0, 0, 0, 0x80, 0, 0, 0, (byte)'?' }, "frame too large")]
    public async Task AMalformedOutputStreamFailsTheRunAndTheContainerIsStillRemoved(byte[] badFrame, string reason)
    {
        using var deadline = Deadline();
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var engine = EngineWithContainer(async (action, connection, ct) =>
        {
            switch (action)
            {
                case "attach":
                    await FakeDockerEngine.BeginStreamAsync(connection, "application/vnd.docker.raw-stream", ct);
                    await connection.WriteAsync((byte[])[1, 0, 0, 0, 0, 0, 0, 6, .. "hello\n"u8], ct);
                    await connection.WriteAsync(badFrame, ct);
                    await killed.Task.WaitAsync(ct);
                    return true;
                case "wait":
                    await FakeDockerEngine.BeginStreamAsync(connection, "application/json", ct);
                    await killed.Task.WaitAsync(ct);
                    await FakeDockerEngine.WriteAsync(connection, "{\"StatusCode\": 137}", ct);
                    return true;
                case "kill":
                    killed.TrySetResult();
                    return false;
                default:
                    return false;
            }
        });
        await using var executor = DockerAt(engine.SocketPath);

        var run = await RunAsync(executor, Spec("true"), deadline.Token);

        Assert.Equal(RunOutcome.Failed, run.Result.Outcome);
        Assert.Equal($"the Docker engine sent a malformed output stream ({reason})", run.Result.Error);
        Assert.Equal(["hello"], run.Stdout);
        AssertForceRemoved(engine);
    }

    [Fact]
    public async Task AnEngineThatDropsTheWaitFailsTheRunAndTheContainerIsStillRemoved()
    {
        using var deadline = Deadline();
        await using var engine = EngineWithContainer(async (action, connection, ct) =>
        {
            if (action is not ("attach" or "wait"))
            {
                return false;
            }

            // Headers, then the connection just ends: an engine restart looks like this.
            await FakeDockerEngine.BeginStreamAsync(connection, "application/json", ct);
            return true;
        });
        await using var executor = DockerAt(engine.SocketPath);

        var run = await RunAsync(executor, Spec("true"), deadline.Token);

        Assert.Equal(RunOutcome.Failed, run.Result.Outcome);
        Assert.NotNull(run.Result.StartedAt);
        Assert.StartsWith("lost track of the run: ", run.Result.Error, StringComparison.Ordinal);
        AssertForceRemoved(engine);
    }

    [Fact]
    public async Task TheCreateRequestCarriesTheHardening()
    {
        using var deadline = Deadline();
        await using var engine = new FakeDockerEngine((request, connection, ct) =>
            FakeDockerEngine.RespondAsync(connection, 400, "{\"message\": \"stop here\"}", ct));
        await using var executor = DockerAt(engine.SocketPath);

        await RunAsync(executor, Spec("echo", "hi"), deadline.Token);

        var create = Assert.Single(engine.Requests);
        using var body = System.Text.Json.JsonDocument.Parse(create.Body);
        var host = body.RootElement.GetProperty("HostConfig");
        Assert.Equal("none", host.GetProperty("NetworkMode").GetString());
        Assert.Equal(["ALL"], host.GetProperty("CapDrop").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["no-new-privileges"], host.GetProperty("SecurityOpt").EnumerateArray().Select(e => e.GetString()));
        Assert.True(host.GetProperty("ReadonlyRootfs").GetBoolean());
        // Docker.DotNet leaves false out of the body; absent is the engine's false.
        Assert.False(host.TryGetProperty("Privileged", out var privileged) && privileged.GetBoolean());
        Assert.False(host.TryGetProperty("AutoRemove", out var autoRemove) && autoRemove.GetBoolean());
        Assert.Equal(64, host.GetProperty("PidsLimit").GetInt32());
        Assert.Equal(256L * 1024 * 1024, host.GetProperty("Memory").GetInt64());
        Assert.Equal(host.GetProperty("Memory").GetInt64(), host.GetProperty("MemorySwap").GetInt64());
        Assert.Equal(1_000_000_000, host.GetProperty("NanoCpus").GetInt64());
        Assert.Contains("noexec", host.GetProperty("Tmpfs").GetProperty("/tmp").GetString(), StringComparison.Ordinal);
        Assert.Equal("none", host.GetProperty("LogConfig").GetProperty("Type").GetString());
        Assert.Equal("65534:65534", body.RootElement.GetProperty("User").GetString());
        Assert.True(body.RootElement.GetProperty("NetworkDisabled").GetBoolean());
        Assert.Equal(["echo"], body.RootElement.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["hi"], body.RootElement.GetProperty("Cmd").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("orleanshub.run", body.RootElement.GetProperty("Labels").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task AnAnnouncedOversizedAnswerIsNotReadAtAll()
    {
        using var deadline = Deadline();
        await using var engine = new FakeDockerEngine((request, connection, ct) =>
            FakeDockerEngine.WriteAsync(connection, "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\nConnection: close\r\n\r\n{", ct));
        await using var executor = DockerAt(engine.SocketPath, o => o.Docker.MaxResponseBytes = 64 * 1024);

        var run = await RunAsync(executor, Spec("true"), deadline.Token);

        Assert.Equal(RunOutcome.Failed, run.Result.Outcome);
        Assert.Equal("the Docker engine sent an answer larger than 65536 bytes", run.Result.Error);
    }

    [Fact]
    public async Task AnOversizedErrorAnswerToAttachIsNotReadPastTheLimit()
    {
        using var deadline = Deadline();
        await using var engine = EngineWithContainer(async (action, connection, ct) =>
        {
            if (action != "attach")
            {
                return false;
            }

            // The attach answer is the one left unread by the cap when it succeeds; an error is capped.
            await FakeDockerEngine.WriteAsync(connection, "HTTP/1.1 500 Broken\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n", ct);
            var chunk = new byte[64 * 1024];
            for (var i = 0; i < 64; i++)
            {
                await connection.WriteAsync(chunk, ct);
            }

            return true;
        });
        await using var executor = DockerAt(engine.SocketPath, o => o.Docker.MaxResponseBytes = 64 * 1024);

        var run = await RunAsync(executor, Spec("true"), deadline.Token);

        Assert.Equal(RunOutcome.Failed, run.Result.Outcome);
        Assert.Null(run.Result.StartedAt);
        Assert.Equal("the Docker engine sent an answer larger than 65536 bytes", run.Result.Error);
        AssertForceRemoved(engine);
    }

    [Fact]
    public async Task AnAnswerThatIsNotHttpFailsTheRunReadably()
    {
        using var deadline = Deadline();
        await using var engine = new FakeDockerEngine((request, connection, ct) =>
            FakeDockerEngine.WriteAsync(connection, "SSH-2.0-OpenSSH\r\n\r\n", ct));
        await using var executor = DockerAt(engine.SocketPath);

        var run = await RunAsync(executor, Spec("true"), deadline.Token);

        Assert.Equal(RunOutcome.Failed, run.Result.Outcome);
        Assert.Equal("the Docker engine sent a malformed answer when asked to create the container", run.Result.Error);
    }

    /// <summary>
    /// A fake engine that creates <see cref="ContainerId"/>, gives each POST on that container to
    /// <paramref name="answer"/> by its action (attach, wait, kill, ...), and answers 204 where
    /// that returns false and to everything else.
    /// </summary>
    private static FakeDockerEngine EngineWithContainer(Func<string, Stream, CancellationToken, Task<bool>> answer) =>
        new(async (request, connection, ct) =>
        {
            const string Container = $"/v1.41/containers/{ContainerId}/";
            var path = request.Path.Split('?')[0];
            if (request.Method == "POST" && path == "/v1.41/containers/create")
            {
                await FakeDockerEngine.RespondAsync(connection, 201, $"{{\"Id\": \"{ContainerId}\", \"Warnings\": []}}", ct);
            }
            else if (!(request.Method == "POST" && path.StartsWith(Container, StringComparison.Ordinal) && await answer(path[Container.Length..], connection, ct)))
            {
                await FakeDockerEngine.RespondAsync(connection, 204, "", ct);
            }
        });

    private static void AssertForceRemoved(FakeDockerEngine engine) =>
        Assert.Contains(engine.Requests, r => r.Method == "DELETE"
            && r.Path.StartsWith($"/v1.41/containers/{ContainerId}?", StringComparison.Ordinal)
            && r.Path.Contains("force=1", StringComparison.Ordinal)
            && r.Path.Contains("v=1", StringComparison.Ordinal));
}
