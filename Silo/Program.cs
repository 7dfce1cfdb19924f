// The silo host: PostgreSQL (embedded unless ConnectionStrings:Hub is set), an Orleans silo with the
// outbox on that database, and the co-hosted API. It only wires and owns the process lifetime; behaviour
// lives in Outbox/, Grains/, Execution/ and Api/.
using OrleansHub.Api;
using OrleansHub.Execution;
using OrleansHub.Grains;
using OrleansHub.Silo.DataProtection;
using OrleansHub.Silo.Hosting;
using OrleansHub.Silo.Logging;
using Serilog;
using Serilog.Extensions.Logging;

// Settings are read once, at start. Left to its default, ASP.NET Core watches the content root recursively
// for appsettings changes, and the embedded PostgreSQL's data directory (.data/pg) lives under it: every file
// PostgreSQL writes would cost the silo an inotify event and a stat, ~1,000 system calls a second under load
// (docs/performance.md, "Settings are not watched").
var builder = WebApplication.CreateBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);

using var serilog = SiloLogging.CreateLogger(builder.Configuration);
builder.Logging.ClearProviders();
builder.Services.AddSerilog(serilog);
using var loggerFactory = new SerilogLoggerFactory(serilog);
var log = loggerFactory.CreateLogger("OrleansHub.Silo");

try
{
    builder.UseLoopbackByDefault();
    builder.Services.AddSiloOptions();

    // Before the silo, so an embedded server starts first and stops last.
    var connectionString = builder.AddSiloDatabase();
    builder.AddSigningKey(log);
    builder.AddOrleansSilo(connectionString);
    builder.Services.AddHubGrains();
    builder.AddTestPaymentGatewayWhenEmbedded(log);
    builder.Services.AddTaskExecution();
    builder.Services.AddHubApi();
    builder.Services.AddSiloDataProtection();

    var app = builder.Build();
    app.UseHubApi();
    app.MapHubApi();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (StartupFailure.Describe(ex) is { } reason)
{
    log.StartFailed(reason);
    return 1;
}
catch (Exception ex)
{
    log.Crashed(ex);
    return 1;
}

/// <summary>Entry point; public so WebApplicationFactory&lt;Program&gt; can host the silo in tests.</summary>
public partial class Program;
