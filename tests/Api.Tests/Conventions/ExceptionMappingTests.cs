using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.Grains.Interfaces.Errors;
using Orleans.Runtime;
using Orleans.Storage;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Api.Tests.Conventions;

/// <summary>
/// Exceptions thrown by grains and the runtime, through the silo's own exception handler and problem
/// details service (the ones every endpoint's failures go through), become docs/api.md problems.
/// </summary>
public sealed class ExceptionMappingTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    public static TheoryData<Exception, int, string> Mappings => new()
    {
        { new NotFoundException("No such workspace."), 404, "NOT_FOUND" },
        { new ConflictException("The order is already accepted."), 409, "CONFLICT" },
        { new ForbiddenException("Viewers cannot write."), 403, "FORBIDDEN" },
        { new UnauthorizedException("The session has ended."), 401, "UNAUTHORIZED" },
        { new InconsistentStateException(), 409, "CONFLICT" },
        { new DuplicateIndexEntryException("Index entry already exists (users_email_key)."), 409, "CONFLICT" },
        { new TimeoutException("Grain call task/42.RunAsync timed out after 30 s"), 503, "SERVICE_UNAVAILABLE" },
        { new SiloUnavailableException(), 503, "SERVICE_UNAVAILABLE" },
        { new BadHttpRequestException("Request body too large. The max request body size is 1048576 bytes.", 413), 413, "PAYLOAD_TOO_LARGE" },
        { new InvalidOperationException("Connection string Host=db;Password=hunter2 is broken"), 500, "INTERNAL_ERROR" },
        { new AggregateException(new NotFoundException("Wrapped.")), 404, "NOT_FOUND" },
        { new PostgresException("invalid byte sequence for encoding \"UTF8\": 0x00", "ERROR", "ERROR", "22021"), 400, "VALIDATION_ERROR" },
        { new PostgresException("relation \"users\" does not exist", "ERROR", "ERROR", "42P01"), 500, "INTERNAL_ERROR" },
        { new StorageException("PostgreSQL refused the request: invalid byte sequence") { SqlState = "22021" }, 400, "VALIDATION_ERROR" },
        { new StorageException("The database could not be reached: connection refused"), 503, "SERVICE_UNAVAILABLE" },
        { new StorageException("PostgreSQL refused the request: terminating connection") { SqlState = "57P01" }, 503, "SERVICE_UNAVAILABLE" },
        // A database outage reaching the API unwrapped, or wrapped by Orleans or Npgsql (DatabaseOutages).
        { new PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03"), 503, "SERVICE_UNAVAILABLE" },
        { new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"), 503, "SERVICE_UNAVAILABLE" },
        { new NpgsqlException("Failed to connect to 127.0.0.1:5432", new System.Net.Sockets.SocketException(111)), 503, "SERVICE_UNAVAILABLE" },
        { new OrleansException("Error from storage provider during ReadStateAsync", new StorageException("PostgreSQL refused the request") { SqlState = "57P03" }), 503, "SERVICE_UNAVAILABLE" },
        { new OrleansException("Activation failed", new NpgsqlException("Exception while reading from stream", new IOException("Connection reset"))), 503, "SERVICE_UNAVAILABLE" },
        { new OrleansException("Activation failed", new PostgresException("relation \"users\" does not exist", "ERROR", "ERROR", "42P01")), 500, "INTERNAL_ERROR" },
    };

    [Theory]
    [MemberData(nameof(Mappings))]
    public async Task AnExceptionBecomesItsProblem(Exception exception, int status, string code)
    {
        var (problem, context) = await HandleAsync(exception);

        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(context.TraceIdentifier, problem.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task AConcurrentUpdateTellsTheClientToRetry()
    {
        var (problem, _) = await HandleAsync(new InconsistentStateException());

        Assert.Contains("retry", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AnUnavailableSiloAsksTheClientToComeBack()
    {
        var (_, context) = await HandleAsync(new SiloUnavailableException());

        Assert.Equal("1", context.Response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task ADomainValidationErrorListsItsFields()
    {
        var (problem, _) = await HandleAsync(new ValidationException(new Dictionary<string, string[]>
        {
            ["name"] = ["Required."],
            ["tags"] = ["At most 20 tags.", "No empty tag."],
        }));

        Assert.Equal("VALIDATION_ERROR", problem.GetProperty("code").GetString());
        Assert.Equal(["Required."], problem.FieldErrors("name"));
        Assert.Equal(["At most 20 tags.", "No empty tag."], problem.FieldErrors("tags"));
    }

    [Fact]
    public async Task ValidationErrorsAreKeyedByTheJsonFieldNames()
    {
        // As the framework's DataAnnotations validation reports them: by CLR member path.
        var (problem, _) = await HandleAsync(new ValidationException(new Dictionary<string, string[]>
        {
            ["DisplayName"] = ["Too short."],
            ["Items[0].UnitPrice"] = ["Must be positive."],
        }));

        Assert.Equal(["Too short."], problem.FieldErrors("display_name"));
        Assert.Equal(["Must be positive."], problem.FieldErrors("items[0].unit_price"));
        Assert.False(problem.GetProperty("errors").TryGetProperty("DisplayName", out _));
    }

    [Fact]
    public async Task AnUnexpectedErrorRevealsNothingOfTheException()
    {
        var (problem, _) = await HandleAsync(new InvalidOperationException("Connection string Host=db;Password=hunter2 is broken"));

        var text = problem.ToString();
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Connection string", text, StringComparison.Ordinal);
        ProblemAssert.AssertNoServerInternals(text);
    }

    [Fact]
    public async Task ARuntimeErrorRevealsNothingOfItsMessage()
    {
        var (problem, _) = await HandleAsync(new TimeoutException("Grain call task/42.RunAsync timed out after 30 s"));

        Assert.DoesNotContain("task/42", problem.ToString(), StringComparison.Ordinal);
    }

    private async Task<(JsonElement Problem, HttpContext Context)> HandleAsync(Exception exception)
    {
        await using var scope = api.Factory.Services.CreateAsyncScope();
        var context = new DefaultHttpContext
        {
            RequestServices = scope.ServiceProvider,
            TraceIdentifier = "req-" + Guid.NewGuid().ToString("N"),
        };
        context.Request.Method = "POST";
        context.Request.Path = "/api/v1/things";
        context.Request.Headers.Accept = "application/json";
        using var body = new MemoryStream();
        context.Response.Body = body;

        var handled = false;
        foreach (var handler in scope.ServiceProvider.GetServices<IExceptionHandler>())
        {
            if (await handler.TryHandleAsync(context, exception, CancellationToken.None))
            {
                handled = true;
                break;
            }
        }

        Assert.True(handled, $"no exception handler took {exception.GetType().Name}");
        var text = System.Text.Encoding.UTF8.GetString(body.ToArray());
        ProblemAssert.AssertNoServerInternals(text);
        return (JsonDocument.Parse(text).RootElement.Clone(), context);
    }
}
