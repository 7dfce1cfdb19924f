using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using OrleansHub.Api.OpenApi;
using Prometheus;

namespace OrleansHub.Api.Metrics;

/// <summary>
/// Describes <c>GET /metrics</c> in the OpenAPI document. prometheus-net maps it as a plain request
/// delegate, which ASP.NET Core's API explorer does not list, so the operation is added here: anonymous
/// (no security requirement), Prometheus text by default, OpenMetrics on request.
/// </summary>
internal static class MetricsOpenApi
{
    public static IServiceCollection AddMetricsOpenApi(this IServiceCollection services)
    {
        services.Configure<OpenApiOptions>(HubOpenApi.DocumentName, options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Paths ??= [];
            if (document.Paths.ContainsKey(MetricsEndpoints.Path))
            {
                return Task.CompletedTask;
            }
            var text = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            var operation = new OpenApiOperation
            {
                OperationId = "Metrics",
                Summary = "Prometheus metrics of this node",
                Description = "Text format 0.0.4 (`" + PrometheusConstants.TextContentTypeWithVersionAndEncoding + "`); OpenMetrics 1.0.0 when " +
                              "`Accept` asks for `" + PrometheusConstants.OpenMetricsContentType + "`. The series are listed in docs/operations.md.",
                Tags = new HashSet<OpenApiTagReference> { new("Operations", document) },
                Responses = new OpenApiResponses
                {
                    ["200"] = new OpenApiResponse
                    {
                        Description = "This node's metrics.",
                        Content = new Dictionary<string, OpenApiMediaType>
                        {
                            [PrometheusConstants.TextContentType] = text,
                            [PrometheusConstants.OpenMetricsContentType] = text,
                        },
                    },
                },
            };
            document.Paths.Add(MetricsEndpoints.Path, new OpenApiPathItem { Operations = new() { [HttpMethod.Get] = operation } });
            return Task.CompletedTask;
        }));
        return services;
    }
}
