using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Orders;
using OrleansHub.Grains.Orders;
using static OrleansHub.Grains.Tests.Orders.OrderTestKit;

namespace OrleansHub.Grains.Tests.Orders;

public sealed class OrderStateTests
{
    /// <summary>The five allowed moves (docs/api.md); every other (status, action) pair is 409.</summary>
    private static readonly Dictionary<(string From, string Action), string> Allowed = new()
    {
        [(OrderStatuses.Pending, "accept")] = OrderStatuses.Accepted,
        [(OrderStatuses.Pending, "reject")] = OrderStatuses.Rejected,
        [(OrderStatuses.Pending, "cancel")] = OrderStatuses.Cancelled,
        [(OrderStatuses.Accepted, "ready")] = OrderStatuses.Ready,
        [(OrderStatuses.Ready, "complete")] = OrderStatuses.Completed,
    };

    public static TheoryData<string, string> EveryStatusAndAction()
    {
        var data = new TheoryData<string, string>();
        foreach (var status in OrderStatuses.All)
        {
            foreach (var action in new[] { "accept", "reject", "ready", "complete", "cancel" })
            {
                data.Add(status, action);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryStatusAndAction))]
    public void EachActionIsAllowedFromExactlyItsStatusAndOtherwiseConflictsWithoutChangingAnything(string from, string action)
    {
        var state = In(from);
        var before = Snapshot(state);

        var apply = () => Apply(state, action);

        if (Allowed.TryGetValue((from, action), out var to))
        {
            apply();
            Assert.Equal(to, state.Status);
        }
        else
        {
            var conflict = Assert.Throws<ConflictException>(apply);
            Assert.Contains(from, conflict.Message, StringComparison.Ordinal);
            Assert.Equal(before, Snapshot(state));
        }
    }

    [Theory]
    [InlineData("accept")]
    [InlineData("reject")]
    [InlineData("ready")]
    [InlineData("complete")]
    [InlineData("cancel")]
    public void AStrangerCannotTellTheOrderExists(string action)
    {
        var state = In(action switch { "ready" => OrderStatuses.Accepted, "complete" => OrderStatuses.Ready, _ => OrderStatuses.Pending });

        Assert.Throws<NotFoundException>(() => Apply(state, action, Stranger));
        Assert.Throws<NotFoundException>(() => state.RequireVisible(Stranger));
        Assert.Null(state.RoleOf(Stranger));
    }

    [Theory]
    [InlineData("accept")]
    [InlineData("reject")]
    [InlineData("ready")]
    [InlineData("complete")]
    public void TheCustomerMayNotDoTheOwnersPart(string action)
    {
        var state = In(action switch { "ready" => OrderStatuses.Accepted, "complete" => OrderStatuses.Ready, _ => OrderStatuses.Pending });

        Assert.Throws<ForbiddenException>(() => Apply(state, action, Customer));
    }

    [Fact]
    public void TheOwnerMayNotCancelForTheCustomer()
    {
        var state = Pending();

        Assert.Throws<ForbiddenException>(() => state.Cancel(Owner, Now));
        Assert.Equal(OrderStatuses.Pending, state.Status);
    }

    [Fact]
    public void AcceptingSetsTheEstimatedReadyTimeFromNow()
    {
        var state = Pending();
        var now = Now.AddMinutes(3);

        state.Accept(Owner, 25, now);

        Assert.Equal(now.AddMinutes(25), state.EstimatedReadyAt);
        Assert.Equal(now, state.UpdatedAt);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(241)]
    public void AnEstimateOutsideItsRangeIsRejectedAndTheOrderStaysPending(int minutes)
    {
        var state = Pending();

        var invalid = Assert.Throws<ValidationException>(() => state.Accept(Owner, minutes, Now));

        Assert.Contains("estimated_minutes", invalid.Errors.Keys);
        Assert.Equal(OrderStatuses.Pending, state.Status);
    }

    [Fact]
    public void RejectingNeedsAReasonAndKeepsIt()
    {
        var state = Pending();

        Assert.Throws<ValidationException>(() => state.Reject(Owner, " ", Now));
        state.Reject(Owner, "Out of milk", Now);

        Assert.Equal("Out of milk", state.StatusReason);
    }

    [Fact]
    public void ThePendingTimeoutCancelsOnlyAPendingOrder()
    {
        var pending = Pending();
        var accepted = In(OrderStatuses.Accepted);

        Assert.True(pending.TimeOut(Now.AddMinutes(15)));
        Assert.False(accepted.TimeOut(Now.AddMinutes(15)));
        Assert.False(pending.TimeOut(Now.AddMinutes(16)));

        Assert.Equal(OrderStatuses.Cancelled, pending.Status);
        Assert.Equal("Not accepted in time.", pending.StatusReason);
        Assert.Equal(OrderStatuses.Accepted, accepted.Status);
    }

    [Fact]
    public void PricesAndTheTotalComeFromTheMenu()
    {
        var state = Pending();

        Assert.Equal([(4_500L, 2, 9_000L), (3_000L, 1, 3_000L)], state.Items.Select(i => (i.UnitPrice, i.Quantity, i.LineTotal)));
        Assert.Equal(12_000, state.TotalAmount);
        Assert.Equal("A001", state.OrderNumber);
        Assert.Equal(OrderPaymentStatuses.Unpaid, state.PaymentStatus);
    }

    [Fact]
    public void UnknownAndUnavailableItemsAreNamed()
    {
        var command = Command(("latte", 1), ("nope", 1), ("soldout", 2));

        var invalid = Assert.Throws<ValidationException>(() => OrderPricing.Price(Menu, command.Items));

        Assert.Equal(["items[1].menu_item_id", "items[2].menu_item_id"], invalid.Errors.Keys.Order());
        Assert.Contains("'nope'", invalid.Errors["items[1].menu_item_id"][0], StringComparison.Ordinal);
        Assert.Contains("Seasonal", invalid.Errors["items[2].menu_item_id"][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(-1)]
    public void QuantitiesAreOneToNinetyNine(int quantity)
    {
        var invalid = Assert.Throws<ValidationException>(() => OrderValidation.Validate(Command(("latte", quantity))));

        Assert.Contains("items[0].quantity", invalid.Errors.Keys);
    }

    [Fact]
    public void AnOrderNeedsAtLeastOneLineAndEachItemOnce()
    {
        Assert.Contains("items", Assert.Throws<ValidationException>(() => OrderValidation.Validate(Command())).Errors.Keys);
        Assert.Contains("items[1].menu_item_id",
            Assert.Throws<ValidationException>(() => OrderValidation.Validate(Command(("latte", 1), ("latte", 2)))).Errors.Keys);
    }

    [Fact]
    public void OrderNumbersHaveALetterAndAtLeastThreeDigits()
    {
        Assert.Equal("A001", OrderState.FormatNumber(1));
        Assert.Equal("A042", OrderState.FormatNumber(42));
        Assert.Equal("A1000", OrderState.FormatNumber(1000));
    }

    [Fact]
    public void TheSameRequestIsAReplayAndADifferentOneUnderTheSameIdConflicts()
    {
        var state = Pending();
        var same = Command(("latte", 2), ("tea", 1));
        var different = Command(("latte", 3));

        Assert.True(state.IsReplay(same, OrderPricing.RequestHash(same)));
        Assert.Throws<ConflictException>(() => state.IsReplay(different, OrderPricing.RequestHash(different)));
        Assert.Throws<ConflictException>(() => state.IsReplay(same with { CustomerId = Stranger }, OrderPricing.RequestHash(same)));
        Assert.False(new OrderState().IsReplay(same, OrderPricing.RequestHash(same)));
    }

    private static void Apply(OrderState state, string action, string? caller = null)
    {
        var now = Now.AddMinutes(5);
        switch (action)
        {
            case "accept":
                state.Accept(caller ?? Owner, 15, now);
                break;
            case "reject":
                state.Reject(caller ?? Owner, "Too busy", now);
                break;
            case "ready":
                state.MarkReady(caller ?? Owner, now);
                break;
            case "complete":
                state.Complete(caller ?? Owner, now);
                break;
            case "cancel":
                state.Cancel(caller ?? Customer, now);
                break;
        }
    }
}
