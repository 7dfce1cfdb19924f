using System.Reflection;

namespace OrleansHub.Runtime.Activation;

/// <summary>Grain classes found in the registered assemblies, by stable type name and by interface.</summary>
internal sealed class GrainTypeRegistry
{
    private readonly Dictionary<string, GrainClassInfo> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, GrainClassInfo> _byInterface = [];

    public GrainTypeRegistry(IEnumerable<Assembly> assemblies)
    {
        var candidates = new Dictionary<Type, List<(GrainClassInfo Info, bool Leaf)>>();
        foreach (var type in assemblies.Distinct().SelectMany(a => a.GetTypes()))
        {
            if (type.IsAbstract || !type.IsClass || !typeof(IGrain).IsAssignableFrom(type) || type.IsGenericTypeDefinition)
            {
                continue;
            }
            var info = new GrainClassInfo(type);
            if (!_byName.TryAdd(info.TypeName, info))
            {
                throw new InvalidOperationException(
                    $"Grain type name '{info.TypeName}' is used by both {_byName[info.TypeName].ClassType} and {type}.");
            }
            var contracts = type.GetInterfaces().Where(IsGrainContract).ToList();
            foreach (var contract in contracts)
            {
                // A "leaf" contract is one no other contract of this class derives from.
                var leaf = !contracts.Any(other => other != contract && contract.IsAssignableFrom(other));
                (candidates.TryGetValue(contract, out var list) ? list : candidates[contract] = []).Add((info, leaf));
            }
        }
        foreach (var (contract, list) in candidates)
        {
            // One implementing class wins; among several, the one for which this interface is the leaf.
            var chosen = list.Count == 1 ? list : list.Where(c => c.Leaf).ToList();
            if (chosen.Count == 1)
            {
                _byInterface[contract] = chosen[0].Info;
            }
        }
    }

    public IReadOnlyCollection<GrainClassInfo> Classes => _byName.Values;

    public GrainClassInfo ForInterface(Type grainInterface) =>
        _byInterface.TryGetValue(grainInterface, out var info)
            ? info
            : throw new InvalidOperationException(
                $"No single grain class implements {grainInterface}; register its assembly with AddGrains.");

    public GrainClassInfo ForName(string typeName) =>
        _byName.TryGetValue(typeName, out var info)
            ? info
            : throw new InvalidOperationException($"Unknown grain type '{typeName}'.");

    private static bool IsGrainContract(Type type) =>
        typeof(IGrain).IsAssignableFrom(type) && type != typeof(IGrain) && type != typeof(IGrainWithStringKey)
        && type != typeof(IRemindable);
}
