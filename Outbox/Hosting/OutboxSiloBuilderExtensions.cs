using Orleans.Runtime;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Migrations;
using OrleansHub.Outbox.Reminders;
using OrleansHub.Outbox.Storage;
using OrleansHub.Outbox.Streams;

namespace OrleansHub.Outbox.Hosting;

public static class OutboxSiloBuilderExtensions
{
    /// <summary>Configuration section bound to Orleans' <see cref="ReminderOptions"/>.</summary>
    public const string RemindersSection = "Reminders";

    /// <summary>The ADO.NET invariant of Npgsql, for Orleans' ADO.NET providers.</summary>
    public const string PostgresInvariant = "Npgsql";

    /// <summary>
    /// Puts a silo on the PostgreSQL at <paramref name="connectionString"/>, one code path for one silo or many:
    /// Orleans' ADO.NET clustering and reminders, the migrations (ours and Orleans' vendored scripts, before the
    /// silo joins the cluster), the outbox grain storage (<see cref="OutboxStorage.ProviderName"/>, with the
    /// <see cref="OutboxStateAttribute"/> facet), Orleans' ADO.NET storage (Orleans' binary format) for Orleans' own
    /// stream pub-sub state, the live stream provider and the event log's background services. Options bind from
    /// the "Outbox" section. <paramref name="assemblies"/> add their embedded "sql/*.sql" migrations and
    /// <paramref name="jsonResolvers"/> source-generated JSON metadata for state and event types.
    /// </summary>
    public static ISiloBuilder UseOutboxOnPostgres(
        this ISiloBuilder silo,
        string connectionString,
        IEnumerable<Assembly>? assemblies = null,
        IEnumerable<IJsonTypeInfoResolver>? jsonResolvers = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var services = silo.Services;
        services.AddOptions<OutboxOptions>()
            .BindConfiguration(OutboxOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = PostgresInvariant;
            o.ConnectionString = connectionString;
        });
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = PostgresInvariant;
            o.ConnectionString = connectionString;
        });
        // Orleans' reminder settings, e.g. Reminders:MinimumReminderPeriod (1 minute by default; tests lower it). Not
        // under "Orleans": Orleans reads Orleans:Reminders as the choice of a reminder provider.
        services.AddOptions<ReminderOptions>().BindConfiguration(RemindersSection);
        silo.UseSystemTextJsonGrainStorageSerializer();
        // Orleans' stream pub-sub state is Orleans' own type, stored in Orleans' own (versioned, [Id]-based) format:
        // System.Text.Json writes the stream producers it holds but cannot read them back (PubSubPublisherState,
        // dotnet/orleans#8588), so a stream whose producer a stopped silo left registered could never be
        // subscribed to again.
        silo.AddAdoNetGrainStorage(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME, storage => storage.Configure<Serializer>((o, serializer) =>
        {
            o.Invariant = PostgresInvariant;
            o.ConnectionString = connectionString;
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
        silo.AddMemoryStreams(OutboxStreamProvider.Name, streams =>
        {
            streams.ConfigurePartitioning(silo.Configuration.GetValue($"{OutboxOptions.Section}:{nameof(OutboxOptions.LiveQueues)}", 4));
            streams.ConfigurePullingAgent(agent => agent.Configure<IOptions<OutboxOptions>>(
                (pulling, outbox) => pulling.GetQueueMsgsTimerPeriod = outbox.Value.LivePollInterval));
        });
        silo.AddOutgoingGrainCallFilter<NewGrainPromiseFilter>();
        silo.AddIncomingGrainCallFilter<EmptyStateDeactivation>();

        services.AddSingleton(sp => new NpgsqlDataSourceBuilder(
            WithPoolDefaults(connectionString, sp.GetRequiredService<IOptions<OutboxOptions>>().Value)).Build());
        services.AddSingleton(new OutboxJson(JsonOptions(jsonResolvers ?? [])));
        services.AddSingleton(new MigrationAssemblies([typeof(OutboxOptions).Assembly, .. assemblies ?? []]));
        services.AddSingleton<ReminderRows>();
        services.AddSingleton<SchemaMigrator>();
        services.AddSingleton<LegacyReminderImport>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, MigrationsAtStart>();
        services.AddSingleton<OutboxLog>();
        services.AddMetrics();
        services.AddSingleton<StorageMetrics>();
        services.AddSingleton<GroupCommitWriter>();
        services.AddSingleton<GrainStateStore>();
        services.AddSingleton<OutboxGrainStorage>();
        services.AddKeyedSingleton<IGrainStorage>(OutboxStorage.ProviderName, (sp, _) => sp.GetRequiredService<OutboxGrainStorage>());
        services.AddSingleton<IAttributeToFactoryMapper<OutboxStateAttribute>, OutboxStateAttributeMapper>();
        services.AddSingleton(sp => new IndexQueries(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<StreamEventStore>();
        services.AddSingleton<OutboxStreamProvider>();
        services.AddSingleton<LiveStreams>();
        services.AddSingleton<StreamWatches>();
        services.AddSingleton(sp => new StreamSubscriptions(
            sp.GetRequiredService<StreamEventStore>(), sp.GetRequiredService<LiveStreams>(), sp.GetRequiredService<StreamWatches>(),
            sp.GetRequiredService<OutboxLog>()));
        services.AddSingleton<EventPublisher>();
        services.AddSingleton<StreamRetention>();
        services.AddSingleton<SiloStatus>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloStatus>());
        services.AddHostedService<StreamTailCheck>();
        services.AddHostedService(sp => sp.GetRequiredService<StreamRetention>());
        services.TryAddSingleton(TimeProvider.System);
        return silo;
    }

    // Prepared statements for the hot queries, and no session reset on every rent (seven utility statements
    // per write; docs/performance.md measured +23-40 % writes/s without them). The outbox leaves no session
    // state on pooled connections: the migrator unlocks its advisory lock before giving its connection back.
    //
    // A small pool: the writer loops' connections plus three per core. Commands beyond that wait in the silo,
    // which is cheap, instead of in PostgreSQL, where every extra backend costs context switches, page faults on
    // shared buffers and contention (docs/performance.md, "REST ceiling": 100 connections 1,000 requests/s, 24
    // 1,750/s, 12 2,550/s on two cores). Orleans' ADO.NET providers open their own connections.
    //
    // A 64 kB write buffer (Npgsql's default is 8 kB): a group commit's batch, ~30 kB at 2,000 writes/s, then
    // goes out in one write instead of four, so PostgreSQL does not sit inside the open transaction waiting
    // for the rest of it (docs/performance.md, "What grew over a long run").
    private static string WithPoolDefaults(string connectionString, OutboxOptions options)
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
