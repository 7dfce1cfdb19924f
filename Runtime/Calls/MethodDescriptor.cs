using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;

namespace OrleansHub.Runtime.Calls;

/// <summary>
/// How to call one grain interface method: a compiled delegate (no reflection per call) and its
/// interleaving flag. Built once per method and cached.
/// </summary>
internal abstract class MethodDescriptor(MethodInfo method)
{
    private static readonly ConcurrentDictionary<MethodInfo, MethodDescriptor> Cache = new();

    public MethodInfo Method { get; } = method;

    public bool AlwaysInterleave { get; } = method.IsDefined(typeof(AlwaysInterleaveAttribute), inherit: true);

    public bool OneWay { get; } = method.IsDefined(typeof(OneWayAttribute), inherit: true);

    /// <summary>
    /// Sends the call through the invoker and returns the Task the proxy hands to the caller.
    /// <paramref name="newGrain"/>: the caller promises the grain has no stored state (<see cref="IGrainFactory.GetNewGrain{TGrainInterface}"/>).
    /// </summary>
    public abstract object Send(IGrainCallInvoker invoker, GrainId target, object?[] arguments, bool newGrain);

    public static MethodDescriptor For(MethodInfo method) => Cache.GetOrAdd(method, Build);

    private static MethodDescriptor Build(MethodInfo method)
    {
        var returnType = method.ReturnType;
        if (method.IsDefined(typeof(OneWayAttribute), inherit: true) && returnType != typeof(Task))
        {
            throw new NotSupportedException($"[OneWay] method {method.DeclaringType}.{method.Name} must return Task.");
        }
        if (returnType == typeof(Task))
        {
            var invoke = Compile<Task>(method);
            return new MethodDescriptor<object?>(method, async (grain, arguments) =>
            {
                await invoke(grain, arguments);
                return null;
            });
        }
        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var resultType = returnType.GetGenericArguments()[0];
            var build = typeof(MethodDescriptor).GetMethod(nameof(BuildTyped), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(resultType);
            return (MethodDescriptor)build.Invoke(null, [method])!;
        }
        throw new NotSupportedException(
            $"Grain method {method.DeclaringType}.{method.Name} must return Task or Task<T>.");
    }

    private static MethodDescriptor<T> BuildTyped<T>(MethodInfo method) => new(method, Compile<Task<T>>(method));

    // (object grain, object?[] args) => ((IFoo)grain).Method((A0)args[0], ...)
    private static Func<object, object?[], TTask> Compile<TTask>(MethodInfo method)
    {
        var grain = Expression.Parameter(typeof(object), "grain");
        var arguments = Expression.Parameter(typeof(object?[]), "arguments");
        var parameters = method.GetParameters()
            .Select((p, i) => Expression.Convert(Expression.ArrayIndex(arguments, Expression.Constant(i)), p.ParameterType));
        var call = Expression.Call(Expression.Convert(grain, method.DeclaringType!), method, parameters);
        return Expression.Lambda<Func<object, object?[], TTask>>(call, grain, arguments).Compile();
    }
}

internal sealed class MethodDescriptor<TResult>(MethodInfo method, Func<object, object?[], Task<TResult>> invoke)
    : MethodDescriptor(method)
{
    public Func<object, object?[], Task<TResult>> Invoke { get; } = invoke;

    public override object Send(IGrainCallInvoker invoker, GrainId target, object?[] arguments, bool newGrain)
    {
        var call = invoker.InvokeAsync(target, this, arguments, newGrain);
        return OneWay ? invoker.Forget(target, Method, call) : call;
    }
}
