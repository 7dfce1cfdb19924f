using OrleansHub.Grains.Interfaces.Streams;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Grains.Orders;

/// <summary>
/// What an order change emits and the rows it writes (deploy/sql/domain/0400_orders.sql). Status and payment
/// events go to the order's stream and to its store's (the owner's live board); a new order is
/// <c>order.created</c> on the store's stream.
/// </summary>
internal static class OrderEvents
{
    /// <summary>The unique constraint that makes an order number unique per store and day.</summary>
    public const string NumberTaken = "orders_store_day_number_key";

    public static StreamId OrderStream(string orderId) => new(StreamNames.Order, orderId);

    public static StreamId StoreStream(string storeId) => new(StreamNames.Store, storeId);

    public static StreamEvent[] Created(OrderState state)
    {
        var view = state.ToView();
        return [new(OrderStream(state.Id), OrderEventTypes.Status, view), new(StoreStream(state.StoreId), OrderEventTypes.Created, view)];
    }

    public static StreamEvent[] Status(OrderState state)
    {
        var view = state.ToView();
        return [new(OrderStream(state.Id), OrderEventTypes.Status, view), new(StoreStream(state.StoreId), OrderEventTypes.Status, view)];
    }

    public static StreamEvent[] Payment(OrderState state)
    {
        var data = state.ToPaymentEvent();
        return [new(OrderStream(state.Id), OrderEventTypes.Payment, data), new(StoreStream(state.StoreId), OrderEventTypes.Payment, data)];
    }

    /// <summary>The new order's list row (its number unique per store and day) and, with a key, its idempotency row.</summary>
    public static IndexUpdate[] CreatedRows(OrderState state)
    {
        var rows = new List<IndexUpdate>
        {
            new("""
                INSERT INTO orders (id, store_id, customer_id, business_day, order_number, status, payment_status, total_amount, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                """,
                state.Id, state.StoreId, state.CustomerId, state.BusinessDay, state.OrderNumber, state.Status, state.PaymentStatus,
                state.TotalAmount, state.CreatedAt, state.UpdatedAt),
        };
        if (state.IdempotencyKey is { } key)
        {
            rows.Add(new(
                "INSERT INTO order_idempotency_keys (customer_id, idempotency_key, order_id, request_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
                state.CustomerId, key, state.Id, state.RequestHash, state.CreatedAt));
        }
        return [.. rows];
    }

    public static IndexUpdate[] Rows(OrderState state) =>
    [
        new("UPDATE orders SET status = $2, payment_status = $3, updated_at = $4 WHERE id = $1",
            state.Id, state.Status, state.PaymentStatus, state.UpdatedAt),
    ];
}
