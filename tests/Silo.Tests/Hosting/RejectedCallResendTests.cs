using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using OrleansHub.Silo.Hosting;

namespace OrleansHub.Silo.Tests.Hosting;

/// <summary>
/// Which failed grain calls the API sends again (docs/operations.md "Which failures are resent"): only those Orleans
/// rejected before any grain ran them. The exceptions are made as Orleans 10.4 makes them on each path.
/// </summary>
public sealed class RejectedCallResendTests
{
    [Fact]
    public void ARejectionBeforeDeliveryIsResent()
    {
        // A stopping silo blocking application messages; a rejection carrying no exception of its own.
        Assert.True(RejectedCallResend.WasNeverRun(Rejection("Silo stopping ")));
        // A target known to be dead, a send that failed before the message left.
        Assert.True(RejectedCallResend.WasNeverRun(new SiloUnavailableException()));
    }

    [Theory]
    [InlineData("The target silo became unavailable for message: Request [S1]->[S2 workspace/1] IWorkspaceGrain.UpdateAsync() #1.")]
    [InlineData("The local Orleans host is shutting down and can no longer process the request: Request #1.")]
    public void ACallBrokenWhileItMayHaveRunIsNotResent(string message) =>
        Assert.False(RejectedCallResend.WasNeverRun(new SiloUnavailableException(message)));

    [Fact]
    public void TimeoutsAndGrainErrorsAreNotResent()
    {
        Assert.False(RejectedCallResend.WasNeverRun(new TimeoutException("Response did not arrive on time")));
        Assert.False(RejectedCallResend.WasNeverRun(new InvalidOperationException("Silo stopping")));
    }

    [Fact]
    public void ARejectionThatEscapedAGrainIsNotResentAfterItCrossedTheWire()
    {
        // A grain let a rejection of its own call escape: the grain ran. The mark must survive Orleans' serializer,
        // which is how the exception reaches a caller on another silo.
        var escaped = new SiloUnavailableException();
        EscapedRejectionMarker.Mark(escaped);
        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();

        var received = serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(escaped));

        Assert.IsType<SiloUnavailableException>(received);
        Assert.True(EscapedRejectionMarker.IsMarked(received));
        Assert.False(RejectedCallResend.WasNeverRun(received));
    }

    // Orleans makes this one itself (CallbackData, from the rejection's text); its constructor is internal.
    private static OrleansMessageRejectionException Rejection(string info) =>
        (OrleansMessageRejectionException)Activator.CreateInstance(
            typeof(OrleansMessageRejectionException), BindingFlags.Instance | BindingFlags.NonPublic, null, [info], null)!;
}
