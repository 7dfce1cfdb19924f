namespace OrleansHub.Api.Health;

/// <summary>Body of a successful health check: <c>{"status":"live"}</c> or <c>{"status":"ready"}</c>.</summary>
internal sealed record HealthResponse(string Status);
