using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OrleansHub.Execution.Docker;

/// <summary>
/// The few Docker Engine API endpoints the executor needs, over the engine's unix socket
/// (written when Docker.DotNet was not served here; it is now, and replacing this with it is open work, issue 21). Everything the engine sends is untrusted: bodies are
/// read up to <see cref="DockerExecutionOptions.MaxResponseBytes"/>, JSON is parsed field by field
/// with type checks, ids are checked before they go into a path, and every failure, including an
/// unreachable engine, surfaces as a <see cref="DockerEngineException"/> with a readable message.
/// </summary>
internal sealed partial class DockerEngineClient : IDisposable
{
    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 32 };

    private readonly HttpClient _http;
    private readonly DockerExecutionOptions _options;

    public DockerEngineClient(DockerExecutionOptions options)
    {
        _options = options;
        var socketPath = options.Socket;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            MaxResponseHeadersLength = 64, // KiB
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectTimeout = options.RequestTimeout,
        };
        _http = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = new Uri($"http://docker/v{options.ApiVersion}/"),
            // Streams (attach, wait) last as long as a run; each request sets its own limit.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public void Dispose() => _http.Dispose();

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        var (status, body) = await ExchangeAsync(HttpMethod.Get, "_ping", null, "answer a ping", cancellationToken).ConfigureAwait(false);
        if (status != HttpStatusCode.OK)
        {
            throw Refused("answer a ping", status, body);
        }
    }

    /// <summary>Creates a container and returns its id.</summary>
    public async Task<string> CreateContainerAsync(string name, JsonObject body, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        var path = "containers/create?name=" + Uri.EscapeDataString(name);
        var (status, answer) = await ExchangeAsync(HttpMethod.Post, path, content, "create the container", cancellationToken).ConfigureAwait(false);
        if (status != HttpStatusCode.Created)
        {
            throw Refused("create the container", status, answer);
        }

        return Parse(answer, "create the container", root => CheckedId(StringProperty(root, "Id")));
    }

    /// <summary>
    /// Attaches to stdout and stderr (multiplexed frames). Done before start, so no output is
    /// missed; the engine answers with headers at once and then streams until the container ends.
    /// </summary>
    public Task<EngineStream> AttachAsync(string id, CancellationToken cancellationToken) =>
        OpenStreamAsync(HttpMethod.Post, $"containers/{CheckedId(id)}/attach?stream=1&stdout=1&stderr=1", "attach to the container", cancellationToken);

    /// <summary>
    /// Registers a wait for the container to stop. The engine sends headers as soon as the wait is
    /// registered and the body (the exit code) when the condition is met, so waiting for
    /// <c>next-exit</c> before start cannot miss a fast exit.
    /// </summary>
    public Task<EngineStream> BeginWaitAsync(string id, string condition, CancellationToken cancellationToken) =>
        OpenStreamAsync(HttpMethod.Post, $"containers/{CheckedId(id)}/wait?condition={Uri.EscapeDataString(condition)}", "wait for the container", cancellationToken);

    /// <summary>Reads the exit code from a wait opened by <see cref="BeginWaitAsync"/>.</summary>
    public async Task<int?> ReadExitCodeAsync(EngineStream wait, CancellationToken cancellationToken)
    {
        byte[] body;
        try
        {
            body = await ReadCappedAsync(wait.Stream, null, Math.Min(_options.MaxResponseBytes, 64 * 1024), cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw Unreachable(ex);
        }

        return Parse(body, "report the exit code", root =>
        {
            if (root.TryGetProperty("Error", out var error) && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("Message", out var message) && message.ValueKind == JsonValueKind.String
                && !string.IsNullOrEmpty(message.GetString()))
            {
                throw new DockerEngineException("the Docker engine could not wait for the container: " + EngineText.Sanitize(message.GetString()));
            }

            return IntProperty(root, "StatusCode");
        });
    }

    public async Task StartContainerAsync(string id, CancellationToken cancellationToken)
    {
        var (status, body) = await ExchangeAsync(HttpMethod.Post, $"containers/{CheckedId(id)}/start", null, "start the container", cancellationToken).ConfigureAwait(false);
        if (status is not (HttpStatusCode.NoContent or HttpStatusCode.NotModified))
        {
            throw Refused("start the container", status, body);
        }
    }

    /// <summary>SIGKILL; a container that is already stopped or gone is fine.</summary>
    public async Task KillContainerAsync(string id, CancellationToken cancellationToken)
    {
        var (status, body) = await ExchangeAsync(HttpMethod.Post, $"containers/{CheckedId(id)}/kill?signal=KILL", null, "kill the container", cancellationToken).ConfigureAwait(false);
        if (status is not (HttpStatusCode.NoContent or HttpStatusCode.NotFound or HttpStatusCode.Conflict))
        {
            throw Refused("kill the container", status, body);
        }
    }

    /// <summary>Force-removes the container and its anonymous volumes; one that is gone is fine.</summary>
    public async Task RemoveContainerAsync(string id, CancellationToken cancellationToken)
    {
        var (status, body) = await ExchangeAsync(HttpMethod.Delete, $"containers/{CheckedId(id)}?force=1&v=1", null, "remove the container", cancellationToken).ConfigureAwait(false);
        if (status is not (HttpStatusCode.NoContent or HttpStatusCode.NotFound))
        {
            throw Refused("remove the container", status, body);
        }
    }

    /// <summary>Containers (in any state) carrying the label <paramref name="label"/>=<paramref name="value"/>.</summary>
    public async Task<ImmutableArray<ContainerSummary>> ListContainersAsync(string label, string value, CancellationToken cancellationToken)
    {
        var filters = new JsonObject { ["label"] = new JsonArray(label + "=" + value) }.ToJsonString();
        var path = "containers/json?all=1&filters=" + Uri.EscapeDataString(filters);
        var (status, body) = await ExchangeAsync(HttpMethod.Get, path, null, "list containers", cancellationToken).ConfigureAwait(false);
        if (status != HttpStatusCode.OK)
        {
            throw Refused("list containers", status, body);
        }

        return Parse(body, "list containers", root =>
        {
            if (root.ValueKind != JsonValueKind.Array)
            {
                throw Malformed("list containers");
            }

            var result = ImmutableArray.CreateBuilder<ContainerSummary>();
            foreach (var item in root.EnumerateArray().Take(100))
            {
                result.Add(new ContainerSummary(
                    CheckedId(StringProperty(item, "Id")),
                    StringProperty(item, "State", required: false) ?? "",
                    Labels(item, "Labels")));
            }

            return result.ToImmutable();
        });
    }

    /// <summary>Null when the container does not exist.</summary>
    public async Task<ContainerDetails?> InspectContainerAsync(string id, CancellationToken cancellationToken)
    {
        var (status, body) = await ExchangeAsync(HttpMethod.Get, $"containers/{CheckedId(id)}/json", null, "inspect the container", cancellationToken).ConfigureAwait(false);
        if (status == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (status != HttpStatusCode.OK)
        {
            throw Refused("inspect the container", status, body);
        }

        return Parse(body, "inspect the container", root =>
        {
            if (!root.TryGetProperty("State", out var state) || state.ValueKind != JsonValueKind.Object)
            {
                throw Malformed("inspect the container");
            }

            var labels = root.TryGetProperty("Config", out var config) && config.ValueKind == JsonValueKind.Object
                ? Labels(config, "Labels")
                : ImmutableDictionary<string, string>.Empty;
            return new ContainerDetails(
                CheckedId(StringProperty(root, "Id")),
                StringProperty(state, "Status", required: false) ?? "",
                BoolProperty(state, "Running"),
                IntProperty(state, "ExitCode"),
                BoolProperty(state, "OOMKilled"),
                DateTimeOffset.TryParse(StringProperty(state, "StartedAt", required: false), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var startedAt)
                    && startedAt.Year > 1 ? startedAt : null,
                labels);
        });
    }

    private async Task<(HttpStatusCode Status, byte[] Body)> ExchangeAsync(
        HttpMethod method, string path, HttpContent? content, string what, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_options.RequestTimeout);
        try
        {
            using var request = new HttpRequestMessage(method, path) { Content = content };
            using var response = await SendAsync(request, limit.Token).ConfigureAwait(false);
            var stream = await response.Content.ReadAsStreamAsync(limit.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var body = await ReadCappedAsync(stream, response.Content.Headers.ContentLength, _options.MaxResponseBytes, limit.Token).ConfigureAwait(false);
                return (response.StatusCode, body);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DockerEngineException($"the Docker engine did not {what} within {RunResults.Describe(_options.RequestTimeout)}");
        }
        catch (IOException ex)
        {
            throw Unreachable(ex);
        }
    }

    private async Task<EngineStream> OpenStreamAsync(HttpMethod method, string path, string what, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_options.RequestTimeout);
        var request = new HttpRequestMessage(method, path);
        HttpResponseMessage? response = null;
        try
        {
            response = await SendAsync(request, limit.Token).ConfigureAwait(false);
            var stream = await response.Content.ReadAsStreamAsync(limit.Token).ConfigureAwait(false);
            if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.SwitchingProtocols))
            {
                var body = await ReadCappedAsync(stream, response.Content.Headers.ContentLength, _options.MaxResponseBytes, limit.Token).ConfigureAwait(false);
                throw Refused(what, response.StatusCode, body);
            }

            return new EngineStream(request, response, stream);
        }
        catch (Exception ex)
        {
            response?.Dispose();
            request.Dispose();
            if (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new DockerEngineException($"the Docker engine did not {what} within {RunResults.Describe(_options.RequestTimeout)}", null, ex);
            }

            if (ex is IOException io)
            {
                throw Unreachable(io);
            }

            throw;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(ex);
        }
    }

    /// <summary>Reads a whole body, refusing one longer than <paramref name="maxBytes"/>.</summary>
    private static async Task<byte[]> ReadCappedAsync(Stream stream, long? declaredLength, int maxBytes, CancellationToken cancellationToken)
    {
        if (declaredLength > maxBytes)
        {
            throw new DockerEngineException($"the Docker engine sent an answer larger than {maxBytes} bytes");
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var read = await stream.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > maxBytes)
            {
                throw new DockerEngineException($"the Docker engine sent an answer larger than {maxBytes} bytes");
            }
        }
    }

    private DockerEngineException Unreachable(Exception ex)
    {
        var cause = ex.InnerException is SocketException socket ? socket.Message : ex.Message;
        return new DockerEngineException($"the Docker engine at {_options.Socket} is unreachable: {EngineText.Sanitize(cause)}", null, ex);
    }

    private static DockerEngineException Refused(string what, HttpStatusCode status, byte[] body) =>
        new($"the Docker engine refused to {what}: {EngineText.ErrorMessage(body)} (HTTP {(int)status})", status);
}
