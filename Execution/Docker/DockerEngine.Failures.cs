using System.Net.Http;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Docker.DotNet;

namespace OrleansHub.Execution.Docker;

/// <summary>Turning whatever Docker.DotNet throws into one readable <see cref="DockerEngineException"/>.</summary>
internal sealed partial class DockerEngine
{
    [GeneratedRegex("^[0-9a-f]{12,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex ContainerIdPattern();

    /// <summary>Ids come from the engine and go into request paths: hex only.</summary>
    private static string CheckedId(string? id, string what) =>
        id is not null && ContainerIdPattern().IsMatch(id) ? id : throw Malformed(what);

    private static DockerEngineException Malformed(string what) =>
        new($"the Docker engine sent a malformed answer when asked to {what}");

    private async Task CallAsync(string what, Func<CancellationToken, Task> call, CancellationToken cancellationToken) =>
        await CallAsync(what, async c =>
        {
            await call(c).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Runs one library call under the request timeout (unless <paramref name="limited"/> is
    /// false). The caller's cancellation stays an <see cref="OperationCanceledException"/>;
    /// everything else becomes a <see cref="DockerEngineException"/>, so nothing the engine
    /// answers escapes the executor as another exception.
    /// </summary>
    private async Task<T> CallAsync<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken, bool limited = true)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (limited)
        {
            limit.CancelAfter(_options.RequestTimeout);
        }

        try
        {
            return await call(limit.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            // Whatever broke while the caller was giving up is part of giving up.
            throw new OperationCanceledException("the caller cancelled", ex, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Translate(what, ex);
        }
    }

    private DockerEngineException Translate(string what, Exception ex)
    {
        // Ours (CappedAnswerHandler), possibly wrapped on the way up.
        if (Find<DockerEngineException>(ex) is { } engine)
        {
            return engine;
        }

        if (ex is DockerApiException refused)
        {
            return new DockerEngineException(
                $"the Docker engine refused to {what}: {EngineText.ErrorMessage(refused.ResponseBody)} (HTTP {(int)refused.StatusCode})", refused.StatusCode, refused);
        }

        if (ex is OperationCanceledException)
        {
            return new DockerEngineException($"the Docker engine did not {what} within {RunResults.Describe(_options.RequestTimeout)}", null, ex);
        }

        if (Find<SocketException>(ex) is { } socket)
        {
            return Unreachable(socket.Message, ex);
        }

        // Docker.DotNet's HTTP connection wraps every failure; a protocol violation is an
        // HttpRequestException inside it, a dropped connection an IOException.
        return ex switch
        {
            HttpRequestException { InnerException: HttpRequestException } => new DockerEngineException(Malformed(what).Message, null, ex),
            HttpRequestException or IOException => Unreachable(Innermost(ex).Message, ex),
            _ => new DockerEngineException(Malformed(what).Message, null, ex),
        };
    }

    private DockerEngineException Unreachable(string cause, Exception ex) =>
        new($"the Docker engine at {_options.Socket} is unreachable: {EngineText.Sanitize(cause)}", null, ex);

    private static T? Find<T>(Exception? ex)
        where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T found)
            {
                return found;
            }
        }

        return null;
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }
}
