namespace OrleansHub.Runtime;

/// <summary>The stable type name of a grain class, stored with its state and reminders.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>Requests to this grain may interleave at await points (still one thread at a time).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ReentrantAttribute : Attribute;

/// <summary>This method may interleave with any other request, even on a non-reentrant grain.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlwaysInterleaveAttribute : Attribute;

/// <summary>Marks a grain constructor parameter of type <see cref="IPersistentState{TState}"/>.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName) : Attribute
{
    public string StateName { get; } = stateName;
}

/// <summary>
/// The caller does not wait: the call returns as soon as it is dispatched and the grain's result or error
/// is dropped (errors are logged). For notifications between grains, where waiting could close a call
/// cycle. The method must return <see cref="Task"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OneWayAttribute : Attribute;
