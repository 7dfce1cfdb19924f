using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace OrleansHub.Execution.Docker;

/// <summary>
/// What the executor asks of the Docker engine, through Docker.DotNet over the engine's unix
/// socket. The library speaks the protocol; this class keeps our rules for untrusted answers:
/// every request but the wait has <see cref="DockerExecutionOptions.RequestTimeout"/>, every body
/// is capped (<see cref="CappedAnswerHandler"/>), ids from the engine are checked before they go
/// into a path, an answer without what we need is malformed, and every failure (an unreachable
/// engine, a refusal, a malformed or oversized answer) surfaces as a
/// <see cref="DockerEngineException"/> with a readable message (DockerEngine.Failures.cs).
/// </summary>
internal sealed partial class DockerEngine : IDisposable
{
    private readonly DockerClient _client;
    private readonly DockerExecutionOptions _options;

    public DockerEngine(DockerExecutionOptions options)
    {
        _options = options;
        var configuration = new DockerClientConfiguration(
            new Uri("unix://" + options.Socket), new CappedAnswerCredentials(options.MaxResponseBytes), options.RequestTimeout);
        _client = configuration.CreateClient(System.Version.Parse(options.ApiVersion));
    }

    /// <summary>Disposes the client and its configuration.</summary>
    public void Dispose() => _client.Dispose();

    public Task PingAsync(CancellationToken cancellationToken) =>
        CallAsync("answer a ping", c => _client.System.PingAsync(c), cancellationToken);

    /// <summary>Creates a container and returns its id.</summary>
    public async Task<string> CreateContainerAsync(CreateContainerParameters parameters, CancellationToken cancellationToken)
    {
        const string What = "create the container";
        var created = await CallAsync(What, c => _client.Containers.CreateContainerAsync(parameters, c), cancellationToken).ConfigureAwait(false);
        return CheckedId(created?.ID, What);
    }

    /// <summary>
    /// Attaches to stdout and stderr (multiplexed frames, no TTY). Done before start, so no output
    /// is missed; the stream lasts until the container ends.
    /// </summary>
    public Task<MultiplexedStream> AttachAsync(string id, CancellationToken cancellationToken) =>
        CallAsync(
            "attach to the container",
            c => _client.Containers.AttachContainerAsync(id, tty: false, new ContainerAttachParameters { Stream = true, Stdout = true, Stderr = true }, c),
            cancellationToken);

    /// <summary>
    /// Waits until the container is not running and returns its exit code. Asked after start: the
    /// container is never removed by the engine (no AutoRemove), so a fast exit is not missed.
    /// Not limited by the request timeout: it lasts as long as the run.
    /// </summary>
    public async Task<int?> WaitAsync(string id, CancellationToken cancellationToken)
    {
        const string What = "wait for the container";
        var answer = await CallAsync(What, c => _client.Containers.WaitContainerAsync(id, c), cancellationToken, limited: false).ConfigureAwait(false)
            ?? throw Malformed(What);
        if (!string.IsNullOrEmpty(answer.Error?.Message))
        {
            throw new DockerEngineException("the Docker engine could not wait for the container: " + EngineText.Sanitize(answer.Error.Message));
        }

        return Clamp(answer.StatusCode);
    }

    public Task StartContainerAsync(string id, CancellationToken cancellationToken) =>
        CallAsync("start the container", c => _client.Containers.StartContainerAsync(id, new ContainerStartParameters(), c), cancellationToken);

    /// <summary>SIGKILL; a container that is already stopped or gone is fine.</summary>
    public async Task KillContainerAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync("kill the container", c => _client.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = "KILL" }, c), cancellationToken).ConfigureAwait(false);
        }
        catch (DockerEngineException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
        }
    }

    /// <summary>Force-removes the container and its anonymous volumes; one that is gone is fine.</summary>
    public async Task RemoveContainerAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync("remove the container", c => _client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, c), cancellationToken).ConfigureAwait(false);
        }
        catch (DockerEngineException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    /// <summary>Containers (in any state) carrying the label <paramref name="label"/>=<paramref name="value"/>; at most 100.</summary>
    public async Task<ImmutableArray<ContainerSummary>> ListContainersAsync(string label, string value, CancellationToken cancellationToken)
    {
        const string What = "list containers";
        var parameters = new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [label + "=" + value] = true } },
        };
        var listed = await CallAsync(What, c => _client.Containers.ListContainersAsync(parameters, c), cancellationToken).ConfigureAwait(false)
            ?? throw Malformed(What);
        return [.. listed.Take(100).Select(c => new ContainerSummary(CheckedId(c?.ID, What), c!.State ?? "", Labels(c.Labels)))];
    }

    /// <summary>Null when the container does not exist.</summary>
    public async Task<ContainerDetails?> InspectContainerAsync(string id, CancellationToken cancellationToken)
    {
        const string What = "inspect the container";
        ContainerInspectResponse? answer;
        try
        {
            answer = await CallAsync(What, c => _client.Containers.InspectContainerAsync(id, c), cancellationToken).ConfigureAwait(false);
        }
        catch (DockerEngineException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (answer?.State is not { } state)
        {
            throw Malformed(What);
        }

        return new ContainerDetails(
            CheckedId(answer.ID, What),
            state.Status ?? "",
            state.Running,
            Clamp(state.ExitCode),
            state.OOMKilled,
            DateTimeOffset.TryParse(state.StartedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var startedAt) && startedAt.Year > 1 ? startedAt : null,
            Labels(answer.Config?.Labels));
    }

    private static int Clamp(long value) => (int)Math.Clamp(value, int.MinValue, int.MaxValue);

    private static ImmutableDictionary<string, string> Labels(IDictionary<string, string>? labels) =>
        labels is null
            ? ImmutableDictionary<string, string>.Empty
            : labels.Take(256).ToImmutableDictionary(l => l.Key, l => l.Value ?? "", StringComparer.Ordinal);
}
