using Microsoft.Extensions.Options;
using Npgsql;
using OrleansHub.Runtime.Activation;
using OrleansHub.Runtime.Hosting;

namespace OrleansHub.Runtime.Reminders;

/// <summary>The reminders table: what grains register, and what the reminder service claims and advances.</summary>
internal sealed class ReminderRegistry(NpgsqlDataSource database, GrainTypeRegistry types, IOptions<GrainRuntimeOptions> options)
{
    private sealed record Reminder(string ReminderName) : IGrainReminder;

    public sealed record Claimed(GrainId Grain, string Name, DateTimeOffset FirstDue, DateTimeOffset Due, TimeSpan Period, DateTimeOffset Lease);

    private const string Upsert = """
        INSERT INTO reminders (grain_type, grain_key, name, first_due, due_at, period_ms)
        VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond', now() + $4 * interval '1 millisecond', $5)
        ON CONFLICT (grain_type, grain_key, name) DO UPDATE
        SET first_due = excluded.first_due, due_at = excluded.due_at, period_ms = excluded.period_ms
        """;

    private const string Delete = "DELETE FROM reminders WHERE grain_type = $1 AND grain_key = $2 AND name = $3";

    public async Task<IGrainReminder> RegisterOrUpdateAsync(GrainId grain, string name, TimeSpan dueTime, TimeSpan period)
    {
        var upsert = RegisterUpdate(grain, name, dueTime, period);
        await using var command = database.CreateCommand(upsert.Sql);
        foreach (var parameter in upsert.Parameters)
        {
            command.Parameters.Add(new() { Value = parameter });
        }
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        return new Reminder(name);
    }

    /// <summary>The registration as a statement for a grain's state write: it commits with the state or not at all.</summary>
    public IndexUpdate RegisterUpdate(GrainId grain, string name, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (period < options.Value.MinimumReminderPeriod)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period,
                $"Reminder period must be at least {options.Value.MinimumReminderPeriod}.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, TimeSpan.Zero);
        if (!typeof(IRemindable).IsAssignableFrom(types.ForName(grain.Type).ClassType))
        {
            throw new InvalidOperationException($"Grain type '{grain.Type}' must implement IRemindable to register reminders.");
        }
        return new IndexUpdate(Upsert, grain.Type, grain.Key, name, (long)dueTime.TotalMilliseconds, (long)period.TotalMilliseconds);
    }

    /// <summary>The removal as a statement for a grain's state write; a no-op when the reminder is already gone.</summary>
    public static IndexUpdate UnregisterUpdate(GrainId grain, string name) => new(Delete, grain.Type, grain.Key, name);

    public async Task UnregisterAsync(GrainId grain, string name)
    {
        await using var command = database.CreateCommand(Delete);
        AddKey(command, grain, name);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    public async Task<IGrainReminder?> GetAsync(GrainId grain, string name)
    {
        await using var command = database.CreateCommand(
            "SELECT 1 FROM reminders WHERE grain_type = $1 AND grain_key = $2 AND name = $3");
        AddKey(command, grain, name);
        return await command.ExecuteScalarAsync().ConfigureAwait(false) is null ? null : new Reminder(name);
    }

    /// <summary>
    /// Claims due reminders by moving them a lease into the future (committed at once, no lock held while
    /// grains run). A claim that is never advanced fires again when its lease runs out.
    /// </summary>
    public async Task<IReadOnlyList<Claimed>> ClaimDueAsync(int limit, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            WITH due AS (
                SELECT grain_type, grain_key, name, due_at AS old_due FROM reminders
                WHERE due_at <= now() ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED)
            UPDATE reminders r SET due_at = now() + $2 * interval '1 millisecond'
            FROM due
            WHERE r.grain_type = due.grain_type AND r.grain_key = due.grain_key AND r.name = due.name
            RETURNING r.grain_type, r.grain_key, r.name, r.first_due, due.old_due, r.period_ms, r.due_at
            """);
        command.Parameters.Add(new() { Value = limit });
        command.Parameters.Add(new() { Value = (long)lease.TotalMilliseconds });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var claimed = new List<Claimed>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            claimed.Add(new Claimed(
                new GrainId(reader.GetString(0), reader.GetString(1)),
                reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                TimeSpan.FromMilliseconds(reader.GetInt64(5)),
                reader.GetFieldValue<DateTimeOffset>(6)));
        }
        return claimed;
    }

    /// <summary>Moves a fired reminder to its next tick after now, unless it was changed or removed meanwhile.</summary>
    public async Task AdvanceAsync(Claimed reminder, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            UPDATE reminders
            SET due_at = $4 + (floor(extract(epoch FROM now() - $4) * 1000 / period_ms) + 1) * period_ms * interval '1 millisecond'
            WHERE grain_type = $1 AND grain_key = $2 AND name = $3 AND due_at = $5
            """);
        AddKey(command, reminder.Grain, reminder.Name);
        command.Parameters.Add(new() { Value = reminder.Due });
        command.Parameters.Add(new() { Value = reminder.Lease });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void AddKey(NpgsqlCommand command, GrainId grain, string name)
    {
        command.Parameters.Add(new() { Value = grain.Type });
        command.Parameters.Add(new() { Value = grain.Key });
        command.Parameters.Add(new() { Value = name });
    }
}
