using System.ComponentModel.DataAnnotations;

namespace OrleansHub.Grains.Orders;

/// <summary>Orders, bound from the "Orders" configuration section.</summary>
public sealed class OrderOptions
{
    public const string Section = "Orders";

    /// <summary>A pending order nobody accepted, rejected or cancelled within this time is cancelled (durable reminder). Default 15 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "7.00:00:00")]
    public TimeSpan PendingTimeout { get; set; } = TimeSpan.FromMinutes(15);
}
