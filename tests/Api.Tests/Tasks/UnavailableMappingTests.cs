using OrleansHub.Api.Problems;
using OrleansHub.Grains.Interfaces.Errors;

namespace OrleansHub.Api.Tests.Tasks;

public sealed class UnavailableMappingTests
{
    [Fact]
    public void ADownSandboxIsAServiceUnavailableProblemWithItsReason()
    {
        var problem = HubExceptionHandler.Describe(new UnavailableException("The task sandbox is unavailable."));

        Assert.Equal(503, problem.Status);
        Assert.Equal("The task sandbox is unavailable.", problem.Detail);
    }
}
