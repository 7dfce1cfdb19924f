using System.Data.Common;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Orleans.Runtime;
using Orleans.Storage;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Api.Problems;

/// <summary>
/// Turns every exception that escapes an endpoint into a problem (docs/api.md, "Conventions"): domain
/// errors keep their meaning (404, 409, 403, 401, 400 with fields), runtime contention is a 409 the
/// client may retry, an unavailable silo or a timed-out grain call is a 503, a request the framework
/// could not bind (malformed JSON, wrong types, <c>limit=abc</c>, an oversized body) keeps its status
/// with the offending field, and anything else is a 500 without details. Exception text never reaches
/// the response; the full exception is logged for 5xx only: at Warning for a 503 that passes by itself (a restart, a
/// failover, a database outage: expected operation that the client retries), at Error otherwise (a 500 is a bug; no
/// sandbox needs an operator).
/// </summary>
internal sealed partial class HubExceptionHandler(IProblemDetailsService problems, ILogger<HubExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        exception = Unwrap(exception);

        // The client went away: nobody reads a response, and it is not a server error.
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            httpContext.Response.StatusCode = StatusCodes.Status499ClientClosedRequest;
            return true;
        }

        var problem = Describe(exception);
        if (problem.Status == StatusCodes.Status503ServiceUnavailable && exception is not SandboxUnavailableException)
        {
            Unavailable(logger, httpContext.Request.Method, httpContext.Request.Path.ToUriComponent(), exception);
        }
        else if (problem.Status >= StatusCodes.Status500InternalServerError)
        {
            ServerError(logger, problem.Status.Value, httpContext.Request.Method, httpContext.Request.Path.ToUriComponent(), exception);
        }
        else
        {
            ClientError(logger, problem.Status!.Value, exception.GetType().Name);
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable && exception is not SandboxUnavailableException)
        {
            // Contention and restarts pass quickly; tell well-behaved clients when to come back.
            httpContext.Response.Headers.RetryAfter = "1";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            // Deliberately not passing the exception: nothing downstream may render it.
        });
    }

    /// <summary>The problem for an exception, with a status and a client-safe title and detail.</summary>
    internal static ProblemDetails Describe(Exception exception) => exception switch
    {
        ValidationException validation => new HttpValidationProblemDetails(
            validation.Errors.ToDictionary(pair => pair.Key, pair => pair.Value))
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more fields are invalid.",
        },
        NotFoundException notFound => Problem(StatusCodes.Status404NotFound, "Not found", notFound.Message),
        ConflictException conflict => Problem(StatusCodes.Status409Conflict, "Conflict", conflict.Message),
        ForbiddenException forbidden => Problem(StatusCodes.Status403Forbidden, "Forbidden", forbidden.Message),
        UnauthorizedException unauthorized => Problem(StatusCodes.Status401Unauthorized, "Unauthorized", unauthorized.Message),
        InconsistentStateException => Problem(StatusCodes.Status409Conflict, "Conflict", "Concurrent update, retry."),
        DuplicateIndexEntryException => Problem(StatusCodes.Status409Conflict, "Conflict", "The resource already exists."),
        TimeoutException => Problem(StatusCodes.Status503ServiceUnavailable, "Service unavailable", "The request timed out; retry later."),
        SiloUnavailableException => Problem(StatusCodes.Status503ServiceUnavailable, "Service unavailable", "The service is restarting; retry later."),
        // A call sent to a silo that just died, before the cluster declared it dead (docs/operations.md "Failure detection").
        OrleansMessageRejectionException => Problem(StatusCodes.Status503ServiceUnavailable, "Service unavailable", "The service is restarting; retry later."),
        UnavailableException unavailable => Problem(StatusCodes.Status503ServiceUnavailable, "Service unavailable", unavailable.Message),
        SandboxUnavailableException => SandboxUnavailable(),
        BadHttpRequestException badRequest => DescribeBadRequest(badRequest),

        // SQLSTATE class 22 (data exception: a NUL byte, a value out of range, text too long for
        // its column) means a client value got past validation into a query; the value is the
        // problem, not the server. Logged at Debug only, like every 4xx.
        DbException { SqlState: [ '2', '2', .. ] } or StorageException { SqlState: [ '2', '2', .. ] } => Problem(StatusCodes.Status400BadRequest, "Bad request", "A value in the request cannot be stored (for example, it contains a NUL character or is too long)."),
        StorageException => DatabaseUnavailable(),

        // The database restarting or unreachable, however deeply Orleans or Npgsql wrapped it.
        _ when DatabaseOutages.IsOutage(exception) => DatabaseUnavailable(),
        _ => Problem(StatusCodes.Status500InternalServerError, "Internal error", null),
    };

    private static ProblemDetails DatabaseUnavailable() =>
        Problem(StatusCodes.Status503ServiceUnavailable, "Service unavailable", "The database is unavailable; retry later.");

    private static ProblemDetails DescribeBadRequest(BadHttpRequestException exception)
    {
        var status = exception.StatusCode;
        if (status == StatusCodes.Status413PayloadTooLarge)
        {
            return Problem(status, "Payload too large", "The request body is larger than this server accepts.");
        }

        if (status == StatusCodes.Status415UnsupportedMediaType)
        {
            return Problem(status, "Unsupported media type", "Send the body as application/json.");
        }

        if (status != StatusCodes.Status400BadRequest)
        {
            return Problem(status, "Bad request", null);
        }

        // The framework's message names the parameter ("Failed to bind parameter \"int? limit\" from
        // \"abc\"."), and a JSON error carries the path of the bad member; both become field names.
        // Neither the message nor the client's value is echoed.
        if (exception.InnerException is JsonException json)
        {
            var field = FieldFromJsonPath(json.Path);
            return Validation(field, field == "body" ? "The request body is not valid JSON." : "The value is missing or has the wrong type.");
        }

        var parameter = ParameterName().Match(exception.Message);
        var name = parameter.Success ? parameter.Groups["name"].Value : "request";
        if (exception.Message.Contains("from body", StringComparison.Ordinal)
            || exception.Message.Contains("request body", StringComparison.Ordinal)
            || exception.Message.StartsWith("Implicit body", StringComparison.Ordinal))
        {
            return Validation("body", "A JSON request body is required.");
        }

        return Validation(name, "The value is missing or not valid.");
    }

    // "$.items[2].quantity" -> "items[2].quantity"; "$" or nothing -> the body as a whole.
    private static string FieldFromJsonPath(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    private static HttpValidationProblemDetails Validation(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more fields are invalid.",
        };

    // A fixed text: the exception's reason (probe output, socket paths) is for the operator's log.
    private static ProblemDetails SandboxUnavailable()
    {
        var problem = Problem(StatusCodes.Status503ServiceUnavailable, "Tasks cannot run on this server",
            "No sandbox is available to run tasks. An operator can install Docker or bubblewrap (apt-get install bubblewrap), "
            + "or set Execution__Mode=UnsafeLocal on a development machine; see README.md, \"Tasks need a sandbox\".");
        problem.Extensions[ProblemCodes.CodeMember] = ProblemCodes.SandboxUnavailable;
        return problem;
    }

    private static ProblemDetails Problem(int status, string title, string? detail) =>
        new() { Status = status, Title = title, Detail = detail };

    private static Exception Unwrap(Exception exception)
    {
        while (true)
        {
            switch (exception)
            {
                case AggregateException { InnerExceptions.Count: 1 } aggregate:
                    exception = aggregate.InnerExceptions[0];
                    continue;
                case TargetInvocationException { InnerException: { } inner }:
                    exception = inner;
                    continue;
                default:
                    return exception;
            }
        }
    }

    // The last word inside the first quotes: the parameter's name after its type.
    [GeneratedRegex("\"(?:[^\"]*\\s)?(?<name>[A-Za-z_][A-Za-z0-9_]*)\"")]
    private static partial Regex ParameterName();

    [LoggerMessage(1, LogLevel.Error, "Request {Method} {Path} failed with {Status}")]
    private static partial void ServerError(ILogger logger, int status, string method, string path, Exception exception);

    [LoggerMessage(3, LogLevel.Warning, "Request {Method} {Path} answered 503: unavailable for now, the client may retry")]
    private static partial void Unavailable(ILogger logger, string method, string path, Exception exception);

    // The exception's message can quote the client's input; the type is enough to diagnose a 4xx.
    [LoggerMessage(2, LogLevel.Debug, "Request rejected with {Status} ({ExceptionType})")]
    private static partial void ClientError(ILogger logger, int status, string exceptionType);
}
