using Microsoft.Extensions.Options;

namespace OrleansHub.Silo.Hosting;

/// <summary>The "Silo" settings and what stopping uses them for: the drain and the host's shutdown timeout.</summary>
internal static class SiloOptionsSetup
{
    public static IServiceCollection AddSiloOptions(this IServiceCollection services)
    {
        services.AddOptions<SiloOptions>()
            .BindConfiguration(SiloOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHostedService<ShutdownDrain>();
        // The drain must not eat the time Orleans needs to leave gracefully.
        services.AddOptions<HostOptions>().Configure<IOptions<SiloOptions>>((host, silo) =>
            host.ShutdownTimeout = silo.Value.DrainDelay + silo.Value.StopTimeout);
        return services;
    }
}
