namespace OrleansHub.Runtime.Activation;

internal enum ActivationState
{
    Created,
    Activating,
    Valid,
    Deactivating,
    Deactivated,
}
