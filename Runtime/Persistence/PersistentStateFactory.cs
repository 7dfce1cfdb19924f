using System.Text.Json;
using OrleansHub.Runtime.Activation;
using OrleansHub.Runtime.Streams;

namespace OrleansHub.Runtime.Persistence;

/// <summary>Creates the IPersistentState objects of an activation and registers them for the initial read.</summary>
internal sealed class PersistentStateFactory(GrainStateStore store, StreamNotifier notifier, JsonSerializerOptions json)
{
    public object Create(Type stateType, string stateName, ActivationData activation)
    {
        var state = (IStateLoader)Activator.CreateInstance(
            typeof(PersistentState<>).MakeGenericType(stateType), stateName, activation, store, notifier, json)!;
        activation.States.Add(state);
        return state;
    }

    public static Type? StateTypeOf(Type parameterType) =>
        parameterType.IsGenericType && parameterType.GetGenericTypeDefinition() == typeof(IPersistentState<>)
            ? parameterType.GetGenericArguments()[0]
            : null;
}
