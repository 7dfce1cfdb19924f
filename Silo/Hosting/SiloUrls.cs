namespace OrleansHub.Silo.Hosting;

internal static class SiloUrls
{
    public const string Default = "http://127.0.0.1:5000";

    /// <summary>
    /// Listens on loopback port 5000 unless Urls / ASPNETCORE_URLS (or the HTTP(S)_PORTS
    /// settings) say otherwise. Set in code, not appsettings.json, because appsettings.json would
    /// override ASPNETCORE_URLS.
    /// </summary>
    public static WebApplicationBuilder UseLoopbackByDefault(this WebApplicationBuilder builder)
    {
        string[] keys = [WebHostDefaults.ServerUrlsKey, WebHostDefaults.HttpPortsKey, WebHostDefaults.HttpsPortsKey];
        if (keys.All(key => string.IsNullOrWhiteSpace(builder.Configuration[key])))
        {
            builder.WebHost.UseUrls(Default);
        }

        return builder;
    }
}
