using System.Text.Json;
using OrleansHub.Runtime.Activation;

namespace OrleansHub.Runtime.Persistence;

/// <summary>Creates the IPersistentState objects of an activation and registers them for the initial read.</summary>
internal sealed class PersistentStateFactory(GrainStateStore store, JsonSerializerOptions json)
{
    public object Create(Type stateType, string stateName, ActivationData activation)
    {
        var state = (IStateLoader)Activator.CreateInstance(
            typeof(PersistentState<>).MakeGenericType(stateType), stateName, activation, store, json)!;
        activation.States.Add(state);
        return state;
    }

    public static Type? StateTypeOf(Type parameterType) =>
        parameterType.IsGenericType && parameterType.GetGenericTypeDefinition() == typeof(IPersistentState<>)
            ? parameterType.GetGenericArguments()[0]
            : null;
}
