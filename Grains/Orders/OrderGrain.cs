using Microsoft.Extensions.Options;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Orders;
using OrleansHub.Grains.Interfaces.Payments;
using OrleansHub.Grains.Interfaces.Stores;
using OrleansHub.Grains.Payments;
using Orleans.Runtime;
using OrleansHub.Outbox.Reminders;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Grains.Orders;

/// <summary>
/// An order: priced from its store's menu, numbered per store and day, moved through its statuses, cancelled
/// by a durable reminder when nobody accepts it in time, and paid (Grains/Payments/OrderGrain.Payments.cs).
/// Non-reentrant, so an accept racing a cancel is two turns, one after the other: exactly one wins. The pending
/// timeout commits with the order and is removed by the write that leaves pending (<see cref="ReminderRows"/>),
/// unless it is shorter than the reminder service's refresh period: then it is registered through Orleans before the
/// write, like the payment reminder. A reminder whose order does not need it (never stored, or already past it) finds
/// nothing to do and removes itself.
/// </summary>
[GrainType("order")]
public sealed partial class OrderGrain(
    [OutboxState("order")] IOutboxState<OrderState> state,
    IPaymentGateway gateway,
    IOptions<OrderOptions> orders,
    IOptions<PaymentOptions> payments,
    IOptions<ReminderOptions> reminders,
    ReminderRows reminderRows,
    TimeProvider clock) : Grain, IOrderGrain, IOrderPaymentGrain, IRemindable
{
    private const int NumberAttempts = 3;

    // Set once this activation has removed the pending timeout (it is never registered again).
    private bool _pendingTimeoutGone;

    // Reminders this activation registered: removing one of them needs no read of the reminder table first.
    private readonly Dictionary<string, IGrainReminder> _registered = [];

    private OrderState S => state.State;

    /// <summary>How soon a reminder whose handler failed (or had to wait) fires again.</summary>
    private TimeSpan RetryPeriod => reminders.Value.MinimumReminderPeriod;

    public async Task<OrderView> CreateAsync(CreateOrder command)
    {
        var requestHash = OrderPricing.RequestHash(command);
        if (S.IsReplay(command, requestHash))
        {
            return S.ToView();
        }
        OrderValidation.Validate(command);
        var store = GrainFactory.GetGrain<IStoreGrain>(command.StoreId);
        var owner = (await store.FindAsync())?.OwnerId ?? throw new ValidationException("store_id", "No such store.");
        var items = OrderPricing.Price(await store.GetMenuAsync(), command.Items);

        for (var attempt = 1; ; attempt++)
        {
            var now = clock.GetUtcNow();
            var number = await store.TakeOrderNumberAsync(DateOnly.FromDateTime(now.UtcDateTime));
            state.State = new OrderState();
            S.Create(this.GetPrimaryKeyString(), command, requestHash, owner, items, number, now);
            // A stored pending order always has its timeout: with the write, or registered before it.
            var timeout = orders.Value.PendingTimeout;
            var withWrite = reminderRows.LoadedInTime(timeout);
            if (!withWrite && attempt == 1)
            {
                await RegisterAsync(Reminders.PendingTimeout, timeout);
            }
            try
            {
                await state.WriteStateAsync(OrderEvents.Created(S), withWrite
                    ? [.. OrderEvents.CreatedRows(S), reminderRows.Register(this.GetGrainId(), Reminders.PendingTimeout, timeout, RetryPeriod)]
                    : OrderEvents.CreatedRows(S));
                return S.ToView();
            }
            catch (DuplicateIndexEntryException duplicate) when (duplicate.ConstraintName == OrderEvents.NumberTaken && attempt < NumberAttempts)
            {
                // Only if the counter row was lost or reset, or a crashed activation's range is reused: next number.
            }
        }
    }

    public Task<OrderView> GetAsync(string callerId)
    {
        S.RequireVisible(callerId);
        return Task.FromResult(S.ToView());
    }

    public Task<string?> GetRoleAsync(string userId) => Task.FromResult(S.RoleOf(userId));

    public Task<OrderView> AcceptAsync(string callerId, int estimatedMinutes) => ChangeAsync(now => S.Accept(callerId, estimatedMinutes, now));

    public Task<OrderView> RejectAsync(string callerId, string reason) => ChangeAsync(now => S.Reject(callerId, reason, now));

    public Task<OrderView> MarkReadyAsync(string callerId) => ChangeAsync(now => S.MarkReady(callerId, now));

    public Task<OrderView> CompleteAsync(string callerId) => ChangeAsync(now => S.Complete(callerId, now));

    public Task<OrderView> CancelAsync(string callerId) => ChangeAsync(now => S.Cancel(callerId, now));

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == Reminders.PendingTimeout)
        {
            // The firing reminder is loaded in the reminder service: unregistering it through Orleans (after the write
            // removed its row) stops it there at once.
            if (!_registered.ContainsKey(reminderName) && await this.GetReminder(reminderName) is { } firing)
            {
                _registered[reminderName] = firing;
            }
            var paymentBefore = S.Payment?.Status;
            if (S.TimeOut(clock.GetUtcNow()))
            {
                await WriteStatusAsync(paymentBefore);
                await RefundWithGatewayAsync();
            }
            else if (S.Status != OrderStatuses.Pending || !S.Exists)
            {
                await UnregisterAsync(Reminders.PendingTimeout);
            }
        }
        else if (reminderName == Reminders.Payment)
        {
            await SettlePaymentAsync();
        }
        LeaveMemoryIfFinal();
    }

    private async Task<OrderView> ChangeAsync(Action<DateTimeOffset> change)
    {
        var paymentBefore = S.Payment?.Status;
        change(clock.GetUtcNow());
        await WriteStatusAsync(paymentBefore);
        await RefundWithGatewayAsync();
        return S.ToView();
    }

    /// <summary>
    /// Writes a status change with its events. A refund registers the payment reminder first, which asks the
    /// provider again until it has answered (if the silo stops before the provider is asked, the reminder does it).
    /// The write that leaves pending removes the pending timeout's row; one this activation registered through Orleans
    /// is also unregistered there. After the write, the payment reminder goes once the payment is settled. Removing
    /// one through Orleans can fail (the write stands): it then fires once more, finds nothing to do and removes itself.
    /// </summary>
    private async Task WriteStatusAsync(string? paymentBefore)
    {
        var paymentChanged = S.Payment?.Status != paymentBefore;
        if (paymentChanged && S.RefundRequested)
        {
            await RegisterAsync(Reminders.Payment, RetryPeriod);
        }
        var leavesPending = S.Status != OrderStatuses.Pending && !_pendingTimeoutGone;
        await state.WriteStateAsync(
            [.. OrderEvents.Status(S), .. paymentChanged ? OrderEvents.Payment(S) : []],
            leavesPending ? [.. OrderEvents.Rows(S), reminderRows.Unregister(this.GetGrainId(), Reminders.PendingTimeout)] : OrderEvents.Rows(S));
        if (leavesPending)
        {
            _pendingTimeoutGone = true;
            if (_registered.ContainsKey(Reminders.PendingTimeout))
            {
                await UnregisterAsync(Reminders.PendingTimeout);
            }
        }
        if (paymentChanged && !S.RefundRequested && S.Payment?.Status is not (PaymentStatuses.Pending or PaymentStatuses.Confirming))
        {
            await UnregisterAsync(Reminders.Payment);
        }
        LeaveMemoryIfFinal();
    }

    /// <summary>
    /// A finished order takes no more status changes, so its activation goes when this turn ends rather than
    /// after the collection age: a busy store finishes hundreds of orders a second, and holding each for 15
    /// minutes grew the heap without bound (docs/performance.md). A later read loads it from storage again;
    /// a due payment reminder reactivates it.
    /// </summary>
    private void LeaveMemoryIfFinal()
    {
        if (S.IsFinal)
        {
            DeactivateOnIdle();
        }
    }

    private async Task RegisterAsync(string name, TimeSpan dueTime) =>
        _registered[name] = await this.RegisterOrUpdateReminder(name, dueTime, RetryPeriod);

    private async Task UnregisterAsync(string name)
    {
        var reminder = _registered.Remove(name, out var known) ? known : await this.GetReminder(name);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private static class Reminders
    {
        public const string PendingTimeout = "pending-timeout";
        public const string Payment = "payment";
    }
}
