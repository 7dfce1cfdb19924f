using System.Reflection;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansHub.Runtime.Hosting;

/// <summary>Adds grain assemblies, JSON metadata and migrations to the runtime registered by AddGrainRuntime.</summary>
public sealed class GrainRuntimeBuilder
{
    internal GrainRuntimeBuilder(IServiceCollection services) => Services = services;

    public IServiceCollection Services { get; }

    internal List<Assembly> GrainAssemblies { get; } = [];

    internal List<IJsonTypeInfoResolver> JsonResolvers { get; } = [];

    internal List<Assembly> MigrationAssemblies { get; } = [];

    /// <summary>Registers every grain class in <paramref name="assembly"/>.</summary>
    public GrainRuntimeBuilder AddGrains(Assembly assembly)
    {
        GrainAssemblies.Add(assembly);
        return this;
    }

    /// <summary>Source-generated JSON metadata for state and event types (tried before reflection).</summary>
    public GrainRuntimeBuilder AddJsonTypeInfoResolver(IJsonTypeInfoResolver resolver)
    {
        JsonResolvers.Add(resolver);
        return this;
    }

    /// <summary>Applies the "sql/*.sql" resources embedded in <paramref name="assembly"/> at start.</summary>
    public GrainRuntimeBuilder AddMigrations(Assembly assembly)
    {
        MigrationAssemblies.Add(assembly);
        return this;
    }
}
