using Orleans.Runtime;

namespace OrleansHub.Silo.Hosting;

/// <summary>
/// Marks a rejection that escapes a grain method: the grain ran (and may have written) before a call it made was
/// rejected, so the call that reached it must not be sent again (<see cref="RejectedCallResend"/>). Without the mark
/// the caller could not tell it from a rejection of its own call: Orleans serializes the exception with its type and
/// message. The mark travels in <see cref="Exception.Data"/>, which Orleans' exception codec carries; the exception's
/// type stays, so code that catches rejections (TaskGrain's settle, the problem mapping) behaves as before.
/// </summary>
internal sealed class EscapedRejectionMarker : IIncomingGrainCallFilter
{
    private const string Key = "OrleansHub.RanInGrain";

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (OrleansMessageRejectionException exception)
        {
            Mark(exception);
            throw;
        }

        if (context.Response?.Exception is OrleansMessageRejectionException escaped)
        {
            Mark(escaped);
        }
    }

    /// <summary>True when the rejection escaped a grain method (the grain ran).</summary>
    public static bool IsMarked(Exception exception) => exception.Data[Key] is true;

    internal static void Mark(Exception exception) => exception.Data[Key] = true;
}
