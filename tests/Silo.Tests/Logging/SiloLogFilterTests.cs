using Microsoft.Extensions.Configuration;
using OrleansHub.Silo.Logging;

namespace OrleansHub.Silo.Tests.Logging;

/// <summary>The silo's log drops copies of failures that another line already reports (Silo/Logging/SiloLogging.cs).</summary>
public sealed class SiloLogFilterTests
{
    [Fact]
    public void JwtBearersCopyOfARethrownExceptionIsDroppedWhileOtherErrorsStay()
    {
        var console = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(console);
        try
        {
            using (var serilog = SiloLogging.CreateLogger(new ConfigurationBuilder().Build()))
            {
                var failure = new InvalidOperationException("grain call failed");
                serilog.ForContext("SourceContext", "Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerHandler")
                    .Error(failure, "Exception occurred while processing message. marker-jwt");
                serilog.ForContext("SourceContext", "OrleansHub.Api.Problems.HubExceptionHandler")
                    .Error(failure, "Request failed with 503 marker-handler");
            }
        }
        finally
        {
            Console.SetOut(previous);
        }

        var log = console.ToString();
        Assert.Contains("marker-handler", log, StringComparison.Ordinal);
        Assert.DoesNotContain("marker-jwt", log, StringComparison.Ordinal);
    }
}
