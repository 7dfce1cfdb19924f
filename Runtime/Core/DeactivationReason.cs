namespace OrleansHub.Runtime;

public enum DeactivationReasonCode
{
    ActivationIdle,
    ApplicationRequested,
    InconsistentState,
    WriteFailed,
    ShuttingDown,
}

/// <summary>Why an activation is ending.</summary>
public sealed record DeactivationReason(DeactivationReasonCode Code, string Description);
