using Orleans.Runtime;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace OrleansHub.Outbox.Storage;

/// <summary>
/// Gives a grain constructor parameter marked <see cref="OutboxStateAttribute"/> its <see cref="IOutboxState{TState}"/>
/// (Orleans' facet mechanism, the one behind <c>[PersistentState]</c>). The factory is made once per grain class.
/// </summary>
internal sealed class OutboxStateAttributeMapper : IAttributeToFactoryMapper<OutboxStateAttribute>
{
    private static readonly MethodInfo CreateMethod =
        typeof(OutboxStateAttributeMapper).GetMethod(nameof(Create), BindingFlags.NonPublic | BindingFlags.Static)!;

    public Factory<IGrainContext, object> GetFactory(ParameterInfo parameter, OutboxStateAttribute metadata)
    {
        var type = parameter.ParameterType;
        if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(IOutboxState<>))
        {
            throw new ArgumentException(
                $"Parameter '{parameter.Name}' of {parameter.Member.DeclaringType} has [OutboxState] but is a {type}, not an IOutboxState<T>.",
                parameter.Name);
        }
        var create = CreateMethod.MakeGenericMethod(type.GetGenericArguments())
            .CreateDelegate<Func<IGrainContext, OutboxStateAttribute, object>>();
        return context => create(context, metadata);
    }

    private static object Create<TState>(IGrainContext context, OutboxStateAttribute metadata)
        where TState : new()
    {
        var storage = context.ActivationServices.GetKeyedService<IGrainStorage>(metadata.StorageName)
            ?? throw new InvalidOperationException($"No grain storage named '{metadata.StorageName}' is registered (grain type {context.GrainId.Type}).");
        return new OutboxState<TState>(metadata.StateName, context, storage);
    }
}
