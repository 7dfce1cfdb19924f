using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansHub.Runtime.Activation;
using OrleansHub.Runtime.Calls;
using OrleansHub.Runtime.Persistence;
using OrleansHub.Runtime.Reminders;
using OrleansHub.Runtime.Streams;

namespace OrleansHub.Runtime.Hosting;

public static class GrainRuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Registers a single-silo grain runtime on the PostgreSQL at <paramref name="connectionString"/>:
    /// the NpgsqlDataSource, IGrainFactory, storage, index queries, reminders and the hosted services. Options bind from
    /// the "Runtime" section. Migrations run when the host starts.
    /// </summary>
    public static GrainRuntimeBuilder AddGrainRuntime(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var builder = new GrainRuntimeBuilder(services);

        services.AddOptions<GrainRuntimeOptions>()
            .BindConfiguration(GrainRuntimeOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(sp => new NpgsqlDataSourceBuilder(
            WithPoolDefaults(connectionString, sp.GetRequiredService<IOptions<GrainRuntimeOptions>>().Value)).Build());
        services.AddSingleton(_ => JsonOptions(builder.JsonResolvers));
        services.AddSingleton(_ => new GrainTypeRegistry(builder.GrainAssemblies));
        services.AddSingleton(_ =>
        {
            var migrations = new MigrationAssemblies();
            migrations.All.AddRange(builder.MigrationAssemblies);
            return migrations;
        });
        services.AddSingleton<RuntimeLog>();
        services.AddSingleton<SiloStatus>();
        services.AddSingleton<Catalog>();
        services.AddMetrics();
        services.AddSingleton<RuntimeMetrics>();
        services.AddSingleton<LocalGrainCallInvoker>();
        services.AddSingleton<IGrainCallInvoker>(sp => sp.GetRequiredService<LocalGrainCallInvoker>());
        services.AddSingleton<IGrainFactory, GrainFactory>();
        services.AddSingleton<StorageMetrics>();
        services.AddSingleton<GroupCommitWriter>();
        services.AddSingleton<GrainStateStore>();
        services.AddSingleton<PersistentStateFactory>();
        services.AddSingleton<GrainActivator>();
        services.AddSingleton<ReminderRegistry>();
        services.AddSingleton<GrainRuntime>();
        services.AddSingleton<SchemaMigrator>();
        services.AddSingleton(sp => new IndexQueries(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<StreamEventStore>();
        services.AddSingleton(sp => new StreamSubscriptions(
            sp.GetRequiredService<StreamEventStore>(), sp.GetRequiredService<RuntimeLog>()));
        services.AddSingleton<StreamNotifier>();
        services.AddSingleton<StreamRetention>();
        services.AddSingleton(TimeProvider.System);

        // Order matters: the lifecycle starts first and stops last.
        services.AddHostedService<RuntimeLifecycle>();
        services.AddHostedService<ActivationCollector>();
        services.AddHostedService<ResponseTimeoutSweeper>();
        services.AddHostedService<ReminderService>();
        services.AddHostedService(sp => sp.GetRequiredService<StreamNotifier>());
        services.AddHostedService<StreamListener>();
        services.AddHostedService(sp => sp.GetRequiredService<StreamRetention>());
        return builder;
    }

    // Prepared statements for the hot queries, and no session reset on every rent (seven utility statements
    // per write; docs/performance.md measured +23-40 % writes/s without them). The runtime leaves no session
    // state on pooled connections: the migrator unlocks its advisory lock and the stream listener UNLISTENs
    // before giving its connection back.
    //
    // A small pool: the runtime's own connections (writer loops, notifier, listener) plus three per core.
    // Commands beyond that wait in the silo, which is cheap, instead of in PostgreSQL, where every extra
    // backend costs context switches, page faults on shared buffers and contention (docs/performance.md,
    // "REST ceiling": 100 connections 1,000 requests/s, 24 1,750/s, 12 2,550/s on two cores).
    //
    // A 64 kB write buffer (Npgsql's default is 8 kB): a group commit's batch, ~30 kB at 2,000 writes/s, then
    // goes out in one write instead of four, so PostgreSQL does not sit inside the open transaction waiting
    // for the rest of it (docs/performance.md, "What grew over a long run").
    private static string WithPoolDefaults(string connectionString, GrainRuntimeOptions options)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            csb.NoResetOnClose = true;
        }
        if (!connectionString.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            csb.MaxAutoPrepare = 32;
            csb.AutoPrepareMinUsages = 2;
        }
        if (!connectionString.Contains("Maximum Pool Size", StringComparison.OrdinalIgnoreCase)
            && !connectionString.Contains("Max Pool Size", StringComparison.OrdinalIgnoreCase))
        {
            csb.MaxPoolSize = options.WriteConnections + 2 + (3 * Environment.ProcessorCount);
        }
        if (!connectionString.Contains("Write Buffer Size", StringComparison.OrdinalIgnoreCase))
        {
            csb.WriteBufferSize = 64 * 1024;
        }
        return csb.ConnectionString;
    }

    // snake_case to match the public API, so event data can go to clients as stored.
    private static JsonSerializerOptions JsonOptions(IEnumerable<IJsonTypeInfoResolver> resolvers)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        };
        foreach (var resolver in resolvers)
        {
            options.TypeInfoResolverChain.Add(resolver);
        }
        options.TypeInfoResolverChain.Add(new DefaultJsonTypeInfoResolver());
        options.MakeReadOnly();
        return options;
    }
}
