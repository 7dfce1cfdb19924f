using Microsoft.Extensions.Options;
using OrleansHub.Grains.Interfaces.Identity;

namespace OrleansHub.Api.Identity.Sessions;

/// <summary>
/// A login for an unknown email costs the same PBKDF2 work as a wrong password, so response times do not
/// tell which emails are registered.
/// </summary>
internal sealed class LoginTiming(IOptions<PasswordHashingOptions> options)
{
    private readonly Lazy<string> _decoy = new(() => PasswordHasher.Hash(Guid.NewGuid().ToString(), options.Value.Iterations));

    public void VerifyAgainstDecoy(string password) => PasswordHasher.Verify(password, _decoy.Value, options.Value.Iterations);
}
