using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansHub.Grains.Interfaces.Identity;

namespace OrleansHub.Grains.Identity;

/// <summary>What the identity grains and the identity services the API asks need: password hashing options (validated at start), the lists and the login verifier.</summary>
public static class IdentityGrainsSetup
{
    public static IServiceCollection AddIdentityGrains(this IServiceCollection services)
    {
        services.AddOptions<PasswordHashingOptions>()
            .BindConfiguration(PasswordHashingOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PasswordHashingOptions>, PasswordHashingOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IdentityDirectory>();
        services.TryAddSingleton<IIdentityDirectory>(sp => sp.GetRequiredService<IdentityDirectory>());
        services.TryAddSingleton<ILoginVerifier, LoginVerifier>();
        return services;
    }
}
