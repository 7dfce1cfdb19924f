using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Runtime.Persistence;

namespace OrleansHub.Runtime.Activation;

/// <summary>
/// Builds grain instances: <see cref="PersistentStateAttribute"/> parameters get a state bound to the
/// activation, everything else comes from DI. Runs on the activation's scheduler (see <see cref="Grain"/>).
/// </summary>
internal sealed class GrainActivator(IServiceProvider services, PersistentStateFactory states)
{
    private readonly ConcurrentDictionary<Type, Func<ActivationData, object?[]>> _argumentPlans = new();

    public object CreateInstance(ActivationData activation)
    {
        var plan = _argumentPlans.GetOrAdd(activation.GrainClass.ClassType, _ => Plan(activation.GrainClass.Constructor));
        return activation.GrainClass.Constructor.Invoke(plan(activation));
    }

    private Func<ActivationData, object?[]> Plan(ConstructorInfo constructor)
    {
        var parameters = constructor.GetParameters();
        var suppliers = new Func<ActivationData, object?>[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            var stateAttribute = parameter.GetCustomAttribute<PersistentStateAttribute>();
            if (stateAttribute is not null)
            {
                var stateType = PersistentStateFactory.StateTypeOf(parameter.ParameterType)
                    ?? throw new InvalidOperationException(
                        $"[PersistentState] parameter '{parameter.Name}' of {constructor.DeclaringType} must be IPersistentState<T>.");
                var name = stateAttribute.StateName;
                suppliers[i] = activation => states.Create(stateType, name, activation);
            }
            else
            {
                var type = parameter.ParameterType;
                suppliers[i] = _ => services.GetRequiredService(type);
            }
        }
        return activation =>
        {
            var arguments = new object?[suppliers.Length];
            for (var i = 0; i < suppliers.Length; i++)
            {
                arguments[i] = suppliers[i](activation);
            }
            return arguments;
        };
    }
}
