using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

namespace OrleansHub.Execution.Tests.Support;

/// <summary>A request as the fake engine saw it.</summary>
public sealed record FakeRequest(string Method, string Path, string Body);

/// <summary>
/// An HTTP/1.1 server on a unix socket that answers like a Docker engine would, or like a broken
/// or hostile one: each request goes to a handler that writes raw bytes to the connection, which
/// is closed when the handler returns. For testing how the executor treats engine answers.
/// </summary>
public sealed class FakeDockerEngine : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<FakeRequest, Stream, CancellationToken, Task> _handler;
    private readonly string _directory = Directory.CreateTempSubdirectory("ohfake-").FullName;
    private readonly ConcurrentQueue<FakeRequest> _requests = new();
    private readonly Task _accepting;

    public FakeDockerEngine(Func<FakeRequest, Stream, CancellationToken, Task> handler)
    {
        _handler = handler;
        SocketPath = Path.Combine(_directory, "docker.sock");
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(16);
        _accepting = AcceptAsync();
    }

    public string SocketPath { get; }

    /// <summary>Every request received so far, in order.</summary>
    public IReadOnlyCollection<FakeRequest> Requests => _requests;

    public static Task RespondAsync(Stream connection, int status, string body, CancellationToken cancellationToken, string contentType = "application/json") =>
        WriteAsync(connection, $"HTTP/1.1 {status} Fake\r\nContent-Type: {contentType}\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}", cancellationToken);

    /// <summary>Headers of a response whose body lasts until the connection closes (how the engine streams).</summary>
    public static Task BeginStreamAsync(Stream connection, string contentType, CancellationToken cancellationToken) =>
        WriteAsync(connection, $"HTTP/1.1 200 OK\r\nContent-Type: {contentType}\r\nConnection: close\r\n\r\n", cancellationToken);

    public static async Task WriteAsync(Stream connection, string text, CancellationToken cancellationToken)
    {
        await connection.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        await connection.FlushAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }

        _stop.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptAsync(_stop.Token);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        await using var connection = new NetworkStream(socket, ownsSocket: true);
        try
        {
            var request = await ReadRequestAsync(connection, _stop.Token);
            if (request is null)
            {
                return;
            }

            _requests.Enqueue(request);
            await _handler(request, connection, _stop.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away, or the fake is shutting down.
        }
    }

    private static async Task<FakeRequest?> ReadRequestAsync(Stream connection, CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        // Docker.DotNet ends its header lines with a bare \n (Go's server accepts that too).
        while (!head.ToString().EndsWith("\n\r\n", StringComparison.Ordinal) && !head.ToString().EndsWith("\n\n", StringComparison.Ordinal))
        {
            if (await connection.ReadAsync(one, cancellationToken) == 0 || head.Length > 64 * 1024)
            {
                return null;
            }

            head.Append((char)one[0]);
        }

        var lines = head.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        var start = lines[0].Split(' ');
        var length = lines.Skip(1)
            .Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(l => int.Parse(l["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture))
            .FirstOrDefault();
        var body = new byte[length];
        await connection.ReadExactlyAsync(body, cancellationToken);
        return new FakeRequest(start[0], start[1], Encoding.UTF8.GetString(body));
    }
}
