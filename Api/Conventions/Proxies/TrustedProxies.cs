using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace OrleansHub.Api.Conventions.Proxies;

/// <summary>
/// Reverse proxies whose <c>X-Forwarded-For</c>/<c>X-Forwarded-Proto</c> the API believes, bound from "Proxies".
/// Empty (the default) believes nobody: the client address is the connection's, whatever headers say.
/// </summary>
public sealed class TrustedProxyOptions
{
    public const string Section = "Proxies";

    /// <summary>Proxy addresses, e.g. "10.0.0.5" or "::1".</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR notation, e.g. "10.0.0.0/8".</summary>
    public string[] KnownNetworks { get; set; } = [];

    internal bool Any => KnownProxies.Length > 0 || KnownNetworks.Length > 0;

    internal bool IsValid =>
        KnownProxies.All(p => IPAddress.TryParse(p, out _)) && KnownNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _));
}

/// <summary>
/// Behind a load balancer every request comes from the balancer's address, so per-address rate limits, the
/// audit log and the request log would all see one client. With trusted proxies configured, the forwarded
/// client address replaces the connection's, read from the right and only through hops that are trusted
/// proxies, so a client cannot choose its own address by sending the header itself.
/// </summary>
internal static class TrustedProxies
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services)
    {
        services.AddOptions<TrustedProxyOptions>()
            .BindConfiguration(TrustedProxyOptions.Section)
            .Validate(o => o.IsValid, "Proxies:KnownProxies must be IP addresses and Proxies:KnownNetworks CIDR networks (10.0.0.0/8).")
            .ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxyOptions>>((options, proxies) =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // ASP.NET Core trusts loopback by default; here only what the operator named is trusted.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in proxies.Value.KnownProxies)
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in proxies.Value.KnownNetworks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
            // Walk back through every trusted hop; the first untrusted one is the client.
            options.ForwardLimit = null;
        });
        return services;
    }

    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app) =>
        app.ApplicationServices.GetRequiredService<IOptions<TrustedProxyOptions>>().Value.Any ? app.UseForwardedHeaders() : app;
}
