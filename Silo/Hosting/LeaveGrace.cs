using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace OrleansHub.Silo.Hosting;

/// <summary>
/// Holds a stopping silo in the cluster for <see cref="SiloOptions.LeaveGrace"/> after it stopped taking grain calls
/// and before it declares itself dead. While its grains deactivate, Orleans forwards the calls queued for them to
/// their new activations on other silos; the caller still waits on this silo, and its runtime breaks every call still
/// waiting when this silo is declared dead ("The target silo became unavailable"), even one that ran elsewhere. Such a
/// call may have run, so it cannot be resent (<see cref="RejectedCallResend"/>); the grace lets it answer first.
/// Calls that arrive during the grace are rejected unrun ("Silo stopping") and resent by the caller.
/// </summary>
/// <remarks>
/// Orleans 10.4's stop order: grains deactivate (stage GrainDeactivation), the silo blocks application messages when
/// RuntimeServices (4000) stops, and it writes itself dead when RuntimeInitialize + 1 (2001) stops. This runs in
/// between, when stage 3999 stops. Cut short when the host's shutdown timeout runs out.
/// </remarks>
internal sealed partial class LeaveGrace(IOptions<SiloOptions> options, ILogger<LeaveGrace> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public const int Stage = ServiceLifecycleStage.RuntimeServices - 1;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(LeaveGrace), Stage, _ => Task.CompletedTask, WaitAsync);

    private async Task WaitAsync(CancellationToken cancellationToken)
    {
        var grace = options.Value.LeaveGrace;
        if (grace <= TimeSpan.Zero)
        {
            return;
        }
        Waiting(logger, grace.TotalSeconds);
        try
        {
            await Task.Delay(grace, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The shutdown timeout ran out; leaving goes on.
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Leaving the cluster in {Seconds:0.#} s, once the calls forwarded to other silos have answered")]
    private static partial void Waiting(ILogger logger, double seconds);
}
