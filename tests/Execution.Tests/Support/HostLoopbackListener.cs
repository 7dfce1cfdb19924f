using System.Net;
using System.Net.Sockets;

namespace OrleansHub.Execution.Tests.Support;

/// <summary>
/// A listener on the host's 127.0.0.1 that a run must not reach: the sandbox and the container escape tests
/// each try it with their own tools, and both ask it afterwards whether anything knocked.
/// </summary>
internal sealed class HostLoopbackListener : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public HostLoopbackListener() => _listener.Start();

    /// <summary>The port it listens on, for the run's connect attempts.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>
    /// Fails when a connection is waiting to be accepted: the run got through, whatever it printed.
    /// <paramref name="runner"/> names what ran the command ("the sandbox", "the container").
    /// </summary>
    public void AssertNotReached(string runner) =>
        Assert.False(_listener.Pending(), $"{runner} reached a listener on the host's loopback");

    public void Dispose() => _listener.Dispose();
}
