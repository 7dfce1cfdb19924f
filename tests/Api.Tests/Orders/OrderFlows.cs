using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrleansHub.Api.Tests.Infrastructure;

namespace OrleansHub.Api.Tests.Orders;

/// <summary>A store with the test menu: Latte 4,500 and Tea 3,000 (available), Seasonal 6,000 (not available).</summary>
public sealed record TestStore(string Id, string Latte, string Tea, string Seasonal);

/// <summary>A stored stream event, as the table holds it.</summary>
public sealed record StoredEvent(long Seq, string Type, JsonElement Data)
{
    public string? Status => Data.TryGetProperty("status", out var status) ? status.GetString() : null;
}

/// <summary>The steps of the order suites, through the public API only.</summary>
public static class OrderFlows
{
    public static async Task<TestStore> CreateStoreAsync(this HttpClient owner, string name = "Cafe")
    {
        using var created = await owner.PostJsonAsync("/api/v1/stores", new { name });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetString()!;
        using var menu = await owner.PutJsonAsync($"/api/v1/stores/{id}/menu", new
        {
            categories = new object[]
            {
                new
                {
                    name = "Drinks",
                    items = new object[]
                    {
                        new { name = "Latte", price = 4_500, description = "Double shot" },
                        new { name = "Tea", price = 3_000 },
                        new { name = "Seasonal", price = 6_000, available = false },
                    },
                },
            },
        });
        Assert.Equal(HttpStatusCode.OK, menu.StatusCode);
        var items = (await menu.ReadJsonAsync()).GetProperty("categories")[0].GetProperty("items").EnumerateArray()
            .ToDictionary(item => item.GetProperty("name").GetString()!, item => item.GetProperty("id").GetString()!);
        return new TestStore(id, items["Latte"], items["Tea"], items["Seasonal"]);
    }

    /// <summary>POST /api/v1/orders with <paramref name="body"/> and, when given, an Idempotency-Key.</summary>
    public static Task<HttpResponseMessage> PostOrderAsync(this HttpClient customer, object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = System.Net.Http.Json.JsonContent.Create(body, options: HttpJson.Options) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return customer.SendAsync(request);
    }

    /// <summary>Two lattes and a tea (12,000); returns the created order.</summary>
    public static async Task<JsonElement> PlaceOrderAsync(this HttpClient customer, TestStore store, string? idempotencyKey = null)
    {
        using var response = await customer.PostOrderAsync(StandardOrder(store), idempotencyKey);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    public static object StandardOrder(TestStore store) => new
    {
        store_id = store.Id,
        table_number = "7",
        items = new object[] { new { menu_item_id = store.Latte, quantity = 2 }, new { menu_item_id = store.Tea, quantity = 1 } },
    };

    public static async Task<HttpResponseMessage> ActAsync(this HttpClient client, string orderId, string action) => action switch
    {
        "accept" => await client.PostJsonAsync($"/api/v1/orders/{orderId}/accept", new { estimated_minutes = 15 }),
        "reject" => await client.PostJsonAsync($"/api/v1/orders/{orderId}/reject", new { reason = "Kitchen closed" }),
        _ => await client.PostAsync($"/api/v1/orders/{orderId}/{action}", null),
    };

    public static async Task<JsonElement> GetOrderAsync(this HttpClient client, string orderId)
    {
        using var response = await client.GetAsync($"/api/v1/orders/{orderId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>Every stored event of a stream, in seq order (the event log).</summary>
    public static async Task<List<StoredEvent>> EventsAsync(this ApiFactory factory, string stream)
    {
        var database = factory.Services.GetRequiredService<NpgsqlDataSource>();
        // As the runtime reads it: an event stored without data shares its source's (docs/outbox.md).
        await using var command = database.CreateCommand("""
            SELECT e.seq, e.type, coalesce(e.data, s.data)::text FROM stream_events e
            LEFT JOIN stream_events s ON s.stream_id = e.source_stream AND s.seq = e.source_seq
            WHERE e.stream_id = $1 ORDER BY e.seq
            """);
        command.Parameters.Add(new() { Value = stream });
        await using var reader = await command.ExecuteReaderAsync();
        var events = new List<StoredEvent>();
        while (await reader.ReadAsync())
        {
            events.Add(new StoredEvent(reader.GetInt64(0), reader.GetString(1), JsonDocument.Parse(reader.GetString(2)).RootElement.Clone()));
        }
        return events;
    }

    public static string Id(this JsonElement resource) => resource.GetProperty("id").GetString()!;
}
