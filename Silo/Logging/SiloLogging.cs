using System.Globalization;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace OrleansHub.Silo.Logging;

/// <summary>
/// Serilog to the console: plain text by default, compact JSON (one event per line) when
/// <c>Logging:Json</c> or <c>Serilog:Json</c> is true; events below <c>Logging:MinimumLevel</c> (default
/// Information) are dropped.
/// </summary>
internal static class SiloLogging
{
    private const string TextTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext:l}: {Message:lj}{NewLine}{Exception}";

    public static Logger CreateLogger(IConfiguration configuration)
    {
        var logger = new LoggerConfiguration()
            .MinimumLevel.Is(MinimumLevel(configuration))
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .Enrich.FromLogContext()
            .Enrich.With<RequestIdEnricher>()
            .MinimumLevel.Override("Orleans", LogEventLevel.Warning)
            .MinimumLevel.Override("Polly", LogEventLevel.Warning)
            .Filter.ByExcluding(IsHostStartFailure)
            .Filter.ByExcluding(IsOrleansCopyOfAStartFailure)
            .Filter.ByExcluding(IsStreamPollCanceledAtShutdown)
            .Filter.ByExcluding(IsWatchdogStallBeforeStart)
            .Filter.ByExcluding(IsRefusedHubCall)
            .Filter.ByExcluding(IsJwtBearerCopyOfARethrownFailure);
        return (IsJson(configuration)
                ? logger.WriteTo.Console(new CompactJsonFormatter())
                : logger.WriteTo.Console(outputTemplate: TextTemplate, formatProvider: CultureInfo.InvariantCulture))
            .CreateLogger();
    }

    // Read leniently: this runs before anything could report a malformed value. "Warning" drops the per-request
    // log line, which load tests want (thousands of lines a second otherwise).
    private static LogEventLevel MinimumLevel(IConfiguration configuration) =>
        Enum.TryParse<LogEventLevel>(configuration["Logging:MinimumLevel"], ignoreCase: true, out var level) ? level : LogEventLevel.Information;

    private static bool IsJson(IConfiguration configuration) =>
        (bool.TryParse(configuration["Logging:Json"], out var json) && json)
        || (bool.TryParse(configuration["Serilog:Json"], out var serilogJson) && serilogJson);

    // The host logs "Hosting failed to start" with the full exception before rethrowing it;
    // Program reports the same failure as one readable line, so this copy would only add a
    // stack trace to the console.
    // SignalR logs every HubException a hub method throws as an error with its stack trace. Those are
    // answers to the client (a refused Subscribe), not faults, and a client could flood the log with them.
    private static bool IsRefusedHubCall(LogEvent logEvent) =>
        logEvent.Exception is Microsoft.AspNetCore.SignalR.HubException
        && logEvent.Properties.TryGetValue("SourceContext", out var source)
        && source is ScalarValue { Value: "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher" };

    // Orleans logs a failed start of its lifecycle (the database cannot be reached, say) as errors with stack traces
    // before the exception reaches Program, which reports the same failure as one readable line.
    private static bool IsOrleansCopyOfAStartFailure(LogEvent logEvent) =>
        logEvent is { Level: >= LogEventLevel.Error, Exception: { } exception }
        && logEvent.Properties.TryGetValue("SourceContext", out var source)
        && source is ScalarValue { Value: string name } && name.StartsWith("Orleans.", StringComparison.Ordinal)
        && Hosting.StartupFailure.Describe(exception) is not null;

    // Orleans 10.4.2 logs the stream pulling agents' last poll, cancelled by the silo's shutdown, as errors with stack
    // traces; nothing is lost (events live in the event log, and the poll had nothing of its own).
    private static bool IsStreamPollCanceledAtShutdown(LogEvent logEvent) =>
        logEvent is { Level: >= LogEventLevel.Error, Exception: OperationCanceledException }
        && SourceOf(logEvent) is { } name
        && (name.StartsWith("Orleans.Providers.MemoryAdapterReceiver", StringComparison.Ordinal)
            || name.StartsWith("Orleans.Streams.", StringComparison.Ordinal));

    // Orleans 10.4.2's watchdog measures its first "participant check" from the machine's boot, not the silo's start,
    // and warns of a stall as long as the machine's uptime at every start. A stall longer than this process has
    // existed cannot be real.
    private static bool IsWatchdogStallBeforeStart(LogEvent logEvent) =>
        logEvent.Level == LogEventLevel.Warning
        && SourceOf(logEvent) == "Orleans.Runtime.Watchdog"
        && logEvent.Properties.Values.Any(value =>
            value is ScalarValue { Value: TimeSpan stall } && stall > DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime);

    // JwtBearer logs an unexpected exception in token validation (a grain call failing while a silo fails over, the
    // database away) as an error with its stack trace, then rethrows it: our exception handler answers it (503) and
    // logs it once.
    private static bool IsJwtBearerCopyOfARethrownFailure(LogEvent logEvent) =>
        logEvent is { Level: >= LogEventLevel.Error, Exception: not null }
        && SourceOf(logEvent) == "Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerHandler";

    private static string? SourceOf(LogEvent logEvent) =>
        logEvent.Properties.TryGetValue("SourceContext", out var source) && source is ScalarValue { Value: string name } ? name : null;

    private static bool IsHostStartFailure(LogEvent logEvent) =>
        logEvent.Properties.TryGetValue("EventId", out var eventId)
        && eventId is StructureValue structure
        && structure.Properties.Any(property => property is { Name: "Name", Value: ScalarValue { Value: "HostedServiceStartupFaulted" } });
}
