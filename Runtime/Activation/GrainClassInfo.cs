using System.Reflection;

namespace OrleansHub.Runtime.Activation;

/// <summary>What the runtime knows about one grain class: its stable name, interleaving and how to build it.</summary>
internal sealed class GrainClassInfo
{
    public GrainClassInfo(Type classType)
    {
        ClassType = classType;
        TypeName = classType.GetCustomAttribute<GrainTypeAttribute>()?.Name ?? DefaultName(classType);
        Reentrant = classType.IsDefined(typeof(ReentrantAttribute), inherit: false);
        Constructor = classType.GetConstructors(BindingFlags.Public | BindingFlags.Instance)
            .OrderByDescending(c => c.GetParameters().Length)
            .FirstOrDefault()
            ?? throw new InvalidOperationException($"Grain class {classType} has no public constructor.");
    }

    public Type ClassType { get; }

    public string TypeName { get; }

    public bool Reentrant { get; }

    public ConstructorInfo Constructor { get; }

    // "TaskGrain" -> "task", as Orleans derives a default grain type name.
    private static string DefaultName(Type type)
    {
        var name = type.Name;
        if (name.EndsWith("Grain", StringComparison.Ordinal) && name.Length > "Grain".Length)
        {
            name = name[..^"Grain".Length];
        }
        return name.ToLowerInvariant();
    }
}
