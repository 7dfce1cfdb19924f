using Docker.DotNet;
using Microsoft.Net.Http.Client;

namespace OrleansHub.Execution.Docker;

/// <summary>
/// Docker.DotNet's hook into its HTTP pipeline (a <see cref="Credentials"/> wraps the handler
/// that talks to the socket; the socket needs no credentials). Used to put
/// <see cref="CappedAnswerHandler"/> in front of every answer and to turn off what a unix socket
/// never needs: a proxy from the environment and redirects.
/// </summary>
internal sealed class CappedAnswerCredentials(int maxResponseBytes) : Credentials
{
    public override bool IsTlsCredentials() => false;

    public override HttpMessageHandler GetHandler(HttpMessageHandler innerHandler)
    {
        if (innerHandler is ManagedHandler managed)
        {
            managed.UseProxy = false;
            managed.RedirectMode = RedirectMode.None;
        }

        return new CappedAnswerHandler(innerHandler, maxResponseBytes);
    }
}
