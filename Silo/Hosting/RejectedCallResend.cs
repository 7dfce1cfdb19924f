using Orleans.Runtime;

namespace OrleansHub.Silo.Hosting;

/// <summary>
/// Sends a grain call again when Orleans rejected it before any grain ran it, so that a silo leaving the cluster in a
/// rolling restart fails no request (docs/operations.md "Rolling restarts", "Which failures are resent"). Only calls
/// made from outside a grain (the API's request handlers, hosted services) are resent: a grain's own calls keep
/// Orleans' behaviour, and their failure reaches the grain that made them. At most <see cref="MaxAttempts"/> sends,
/// <see cref="Pause"/> apart, so the caller's directory cache (invalidated by the rejection) and the membership view
/// catch up; after that the rejection surfaces as before (a 503 with Retry-After).
/// </summary>
/// <remarks>
/// Orleans 10.4 completes a call with a rejection (a <c>RejectionResponse</c>) only on paths where the request was
/// never handed to a grain: the target silo blocking application messages while it stops ("Silo stopping"), a target
/// known to be dead, a send that failed before the message left, an activation that could not be created, forwarding
/// that gave up. The caller sees those as exactly <see cref="OrleansMessageRejectionException"/>, or as a
/// <see cref="SiloUnavailableException"/> made with its parameterless constructor ("Silo unavailable"). A
/// <see cref="SiloUnavailableException"/> with any other message may have run and is never resent: "The target silo
/// became unavailable" breaks a call that was in flight when the target was declared dead (it may have been
/// delivered, even forwarded and run elsewhere), and "The local Orleans host is shutting down" breaks calls of a
/// stopping caller. A rejection that a grain received from a call of its own and let escape is marked by
/// <see cref="EscapedRejectionMarker"/>: the outer call ran, so it is not resent either.
/// </remarks>
internal sealed partial class RejectedCallResend(ILogger<RejectedCallResend> logger) : IOutgoingGrainCallFilter
{
    /// <summary>Sends in all, the first included.</summary>
    public const int MaxAttempts = 3;

    /// <summary>The pause before a resend, times the attempt number.</summary>
    public static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(200);

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.SourceContext is not null)
        {
            await context.Invoke();
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            Exception? rejection = null;
            try
            {
                await context.Invoke();
                rejection = context.Response?.Exception;
            }
            catch (Exception exception) when (attempt < MaxAttempts && WasNeverRun(exception))
            {
                rejection = exception;
            }

            if (rejection is null || attempt >= MaxAttempts || !WasNeverRun(rejection))
            {
                return;
            }

            Resending(logger, context.InterfaceName, context.MethodName, attempt, rejection.Message);
            await Task.Delay(Pause * attempt);
        }
    }

    /// <summary>True when Orleans rejected the call before any grain ran it (see the remarks).</summary>
    internal static bool WasNeverRun(Exception exception) =>
        !EscapedRejectionMarker.IsMarked(exception) && exception switch
        {
            SiloUnavailableException unavailable => unavailable.Message == DefaultUnavailableMessage,
            OrleansMessageRejectionException rejected => rejected.GetType() == typeof(OrleansMessageRejectionException),
            _ => false,
        };

    // What SiloUnavailableException's parameterless constructor says ("Silo unavailable"), taken from Orleans itself:
    // the rejection paths use only that constructor, the may-have-run paths always pass a message.
    internal static readonly string DefaultUnavailableMessage = new SiloUnavailableException().Message;

    [LoggerMessage(1, LogLevel.Information, "{Interface}.{Method} was rejected before it ran (attempt {Attempt}), sending it again: {Reason}")]
    private static partial void Resending(ILogger logger, string @interface, string method, int attempt, string reason);
}
