using System.Net;

namespace OrleansHub.Execution.Docker;

/// <summary>
/// The engine refused a request, answered nonsense, or could not be reached. The message is
/// readable and safe to show to a task's owner: engine text in it is sanitized and shortened.
/// </summary>
public sealed class DockerEngineException : Exception
{
    public DockerEngineException()
    {
    }

    public DockerEngineException(string message)
        : base(message)
    {
    }

    public DockerEngineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DockerEngineException(string message, HttpStatusCode? statusCode, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    /// <summary>The engine's HTTP status, or null when it gave none (unreachable, malformed answer).</summary>
    public HttpStatusCode? StatusCode { get; }
}
