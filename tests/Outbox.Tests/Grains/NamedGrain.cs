using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Outbox.Tests.Grains;

public sealed class NameState
{
    public string? Name { get; set; }
}

public interface INamedGrain : IGrainWithStringKey
{
    /// <summary>Stores the name, indexes it in test_names (unique) and emits "name.set", in one transaction.</summary>
    Task SetNameAsync(string name);

    Task<string?> GetNameAsync();
}

[GrainType("named")]
public sealed class NamedGrain([OutboxState("name")] IOutboxState<NameState> state) : Grain, INamedGrain
{
    public async Task SetNameAsync(string name)
    {
        state.State.Name = name;
        await state.WriteStateAsync(
            [new StreamEvent(new StreamId("named", this.GetPrimaryKeyString()), "name.set", new { name })],
            [new IndexUpdate(
                "INSERT INTO test_names (grain_key, name) VALUES ($1, $2) ON CONFLICT (grain_key) DO UPDATE SET name = excluded.name",
                this.GetPrimaryKeyString(), name)]);
    }

    public Task<string?> GetNameAsync() => Task.FromResult(state.State.Name);
}
