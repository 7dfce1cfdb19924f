namespace OrleansHub.Api.OpenApi;

/// <summary>
/// The browsable API page at <c>/api-docs</c>: Swagger UI served from files embedded in its package
/// (nothing from a CDN, so the page works offline), reading <c>/openapi/v1.json</c>. Anonymous.
/// </summary>
internal static class ApiPage
{
    public static readonly PathString Path = "/api-docs";

    public static IEndpointRouteBuilder MapApiPage(this IEndpointRouteBuilder routes)
    {
        routes.MapSwaggerUI(Path.Value!.TrimStart('/'), options =>
            {
                options.DocumentTitle = "OrleansHub API";
                options.SwaggerEndpoint(HubOpenApi.DocumentPath, "OrleansHub API v1");

                // Swagger UI would otherwise ask an online validator for a badge; the machine may be
                // offline and the page's CSP allows no other origin anyway.
                options.ConfigObject.ValidatorUrl = "none";
            })
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]))
            .AllowAnonymous()
            .ExcludeFromDescription();
        return routes;
    }
}
