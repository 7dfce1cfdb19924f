using System.Net;
using OrleansHub.Api.Tests.Infrastructure;

namespace OrleansHub.Api.Tests.Orders;

/// <summary>The status machine over HTTP: every allowed and forbidden move, who may make it, and races.</summary>
public sealed class OrderTransitionTests(OrderApiFixture api) : IClassFixture<OrderApiFixture>
{
    private static readonly string[] Actions = ["accept", "reject", "ready", "complete", "cancel"];

    /// <summary>docs/api.md: these five moves; anything else is 409.</summary>
    private static readonly Dictionary<(string From, string Action), string> Allowed = new()
    {
        [("pending", "accept")] = "accepted",
        [("pending", "reject")] = "rejected",
        [("pending", "cancel")] = "cancelled",
        [("accepted", "ready")] = "ready",
        [("ready", "complete")] = "completed",
    };

    /// <summary>How to reach each status from pending (each step by its rightful party).</summary>
    private static readonly Dictionary<string, string[]> PathTo = new()
    {
        ["pending"] = [],
        ["accepted"] = ["accept"],
        ["ready"] = ["accept", "ready"],
        ["completed"] = ["accept", "ready", "complete"],
        ["rejected"] = ["reject"],
        ["cancelled"] = ["cancel"],
    };

    public static TheoryData<string, string> EveryStatusAndAction()
    {
        var data = new TheoryData<string, string>();
        foreach (var status in PathTo.Keys)
        {
            foreach (var action in Actions)
            {
                data.Add(status, action);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryStatusAndAction))]
    public async Task EachMoveSucceedsFromItsStatusAndIsAConflictFromAnyOther(string from, string action)
    {
        using var scene = await OrderInAsync(from);
        var (owner, customer, orderId) = scene;
        var rightful = action == "cancel" ? customer : owner;

        using var response = await rightful.ActAsync(orderId, action);

        if (Allowed.TryGetValue((from, action), out var to))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(to, (await response.ReadJsonAsync()).GetProperty("status").GetString());
        }
        else
        {
            await response.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
            Assert.Equal(from, (await customer.GetOrderAsync(orderId)).GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task EachPartyDoesOnlyItsOwnPartAndAStrangerSeesNothing()
    {
        using var scene = await OrderInAsync("pending");
        var (owner, customer, orderId) = scene;
        using var stranger = api.As(await api.RegisterAsync());

        foreach (var action in new[] { "accept", "reject", "ready", "complete" })
        {
            using var byCustomer = await customer.ActAsync(orderId, action);
            await byCustomer.AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        }
        using var ownerCancels = await owner.ActAsync(orderId, "cancel");
        await ownerCancels.AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        foreach (var action in Actions)
        {
            using var byStranger = await stranger.ActAsync(orderId, action);
            await byStranger.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        }

        Assert.Equal("pending", (await customer.GetOrderAsync(orderId)).GetProperty("status").GetString());
        Assert.Single(await api.Factory.EventsAsync($"order:{orderId}"));
    }

    [Fact]
    public async Task AViewerCannotMoveAnOrder()
    {
        using var scene = await OrderInAsync("pending");
        using var viewer = api.As(await api.RegisterViewerAsync());

        using var accept = await viewer.ActAsync(scene.OrderId, "accept");

        await accept.AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Equal("pending", (await scene.Customer.GetOrderAsync(scene.OrderId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task AnAcceptRacingACancelEndsWithExactlyOneWinnerAndAConsistentLog()
    {
        using var owner = api.As(await api.RegisterAsync());
        var store = await owner.CreateStoreAsync();
        using var customer = api.As(await api.RegisterAsync());

        for (var round = 0; round < 10; round++)
        {
            var orderId = (await customer.PlaceOrderAsync(store)).Id();

            var accept = owner.ActAsync(orderId, "accept");
            var cancel = customer.ActAsync(orderId, "cancel");
            using var accepted = await accept;
            using var cancelled = await cancel;

            var winners = new[] { (accepted, "accepted"), (cancelled, "cancelled") }.Where(r => r.Item1.StatusCode == HttpStatusCode.OK).ToList();
            var winner = Assert.Single(winners).Item2;
            var loser = winners[0].Item1 == accepted ? cancelled : accepted;
            await loser.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
            Assert.Equal(winner, (await owner.GetOrderAsync(orderId)).GetProperty("status").GetString());
            Assert.Equal(["pending", winner], (await api.Factory.EventsAsync($"order:{orderId}")).Select(e => e.Status));
            Assert.Equal(["pending", winner],
                (await api.Factory.EventsAsync($"store:{store.Id}")).Where(e => e.Data.TryGetProperty("id", out var id) && id.GetString() == orderId).Select(e => e.Status));
        }
    }

    /// <summary>A fresh store and order, moved to <paramref name="status"/>, with clients of its owner and customer.</summary>
    private async Task<Scene> OrderInAsync(string status)
    {
        var owner = api.As(await api.RegisterAsync());
        var store = await owner.CreateStoreAsync();
        var customer = api.As(await api.RegisterAsync());
        var orderId = (await customer.PlaceOrderAsync(store)).Id();
        foreach (var step in PathTo[status])
        {
            using var response = await (step == "cancel" ? customer : owner).ActAsync(orderId, step);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        return new Scene(owner, customer, orderId);
    }

    private sealed record Scene(HttpClient Owner, HttpClient Customer, string OrderId) : IDisposable
    {
        public void Dispose()
        {
            Owner.Dispose();
            Customer.Dispose();
        }
    }
}
