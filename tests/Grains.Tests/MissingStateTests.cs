using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Identity;
using OrleansHub.Grains.Interfaces.Orders;
using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Grains.Interfaces.Workspaces;
using OrleansHub.Grains.Tests.Infrastructure;

namespace OrleansHub.Grains.Tests;

public sealed class MissingStateSilo() : DomainSiloFixture;

/// <summary>
/// Asking for an id that does not exist leaves nothing behind: the activation has no stored state after the call,
/// so it deactivates at once instead of holding memory for the collection age (15 minutes).
/// </summary>
public sealed class MissingStateTests(MissingStateSilo fixture) : IClassFixture<MissingStateSilo>
{
    private DomainSilo Silo => fixture.Silo;

    [Fact]
    public async Task LookupsOfIdsThatDoNotExistLeaveNoActivation()
    {
        var grains = Silo.Grains;

        await Assert.ThrowsAsync<NotFoundException>(() => grains.GetGrain<ITaskGrain>("ghost-task").GetAsync());
        await Assert.ThrowsAnyAsync<DomainException>(() => grains.GetGrain<IOrderGrain>("ghost-order").GetAsync("someone"));
        await Assert.ThrowsAnyAsync<DomainException>(() => grains.GetGrain<IWorkspaceGrain>("ghost-workspace").GetAsync("someone"));
        Assert.Null(await grains.GetGrain<IUserGrain>("ghost-user").GetAsync());

        await Silo.WaitForActivationsAsync("task", ["ghost-task"], 0);
        await Silo.WaitForActivationsAsync("order", ["ghost-order"], 0);
        await Silo.WaitForActivationsAsync("workspace", ["ghost-workspace"], 0);
        await Silo.WaitForActivationsAsync("user", ["ghost-user"], 0);
    }

    [Fact]
    public async Task AGrainWithStoredStateStaysActivated()
    {
        var user = Silo.Grains.GetGrain<IUserGrain>("real-user");
        await user.RegisterAsync(new RegisterUser("real", "real@example.com", "correct horse battery", null));

        Assert.NotNull(await user.GetAsync());
        Assert.Equal(1, await Silo.ActivationsOfAsync("user", ["real-user"]));
    }
}
