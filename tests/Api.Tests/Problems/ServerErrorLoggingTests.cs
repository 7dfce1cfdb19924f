using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using OrleansHub.Api.Problems;

namespace OrleansHub.Api.Tests.Problems;

/// <summary>
/// A 503 for a restart or a failover is expected operation: logged at Warning, so alerts on Error stay for bugs. A 500
/// stays at Error. Both keep the exception for the operator.
/// </summary>
public sealed class ServerErrorLoggingTests
{
    [Theory]
    [InlineData(typeof(SiloUnavailableException), StatusCodes.Status503ServiceUnavailable, LogLevel.Warning)]
    [InlineData(typeof(TimeoutException), StatusCodes.Status503ServiceUnavailable, LogLevel.Warning)]
    [InlineData(typeof(InvalidOperationException), StatusCodes.Status500InternalServerError, LogLevel.Error)]
    public async Task AnUnavailableServiceIsAWarningAndABugIsAnError(Type exceptionType, int status, LogLevel level)
    {
        var logger = new RecordingLogger();
        await using var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var handler = new HubExceptionHandler(services.GetRequiredService<IProblemDetailsService>(), logger);
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = "PUT";
        context.Request.Path = "/api/v1/workspaces/w1";
        context.Response.Body = new MemoryStream();
        var exception = (Exception)Activator.CreateInstance(exceptionType)!;

        Assert.True(await handler.TryHandleAsync(context, exception, CancellationToken.None));

        Assert.Equal(status, context.Response.StatusCode);
        var entry = Assert.Single(logger.Entries);
        Assert.Equal(level, entry.Level);
        Assert.Same(exception, entry.Exception);
    }

    private sealed class RecordingLogger : ILogger<HubExceptionHandler>
    {
        public List<(LogLevel Level, Exception? Exception)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, exception));
    }
}
