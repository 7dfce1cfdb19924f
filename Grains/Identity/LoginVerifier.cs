using Microsoft.Extensions.Options;
using OrleansHub.Grains.Interfaces.Identity;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Grains.Identity;

/// <summary>
/// A password login: the email lookup, the user grain's verification (which rehashes on a parameter change),
/// and for an unknown email the same PBKDF2 work against a decoy hash, so response times do not tell which
/// emails are registered. A failure is audited on its own, as it changes no grain state.
/// </summary>
internal sealed class LoginVerifier(
    IdentityDirectory directory,
    IGrainFactory grains,
    IndexQueries index,
    IOptions<PasswordHashingOptions> passwords,
    TimeProvider clock) : ILoginVerifier
{
    private readonly Lazy<string> _decoy = new(() => PasswordHasher.Hash(Guid.NewGuid().ToString(), passwords.Value.Iterations));

    public async Task<LoginCheck> VerifyAsync(LoginAttempt attempt, CancellationToken cancellationToken)
    {
        var email = Emails.Normalize(attempt.Email);
        var userId = await directory.FindUserIdByEmailAsync(email, cancellationToken);
        UserView? user = null;
        if (userId is null)
        {
            PasswordHasher.Verify(attempt.Password, _decoy.Value, passwords.Value.Iterations);
        }
        else
        {
            user = await grains.GetGrain<IUserGrain>(userId).VerifyPasswordAsync(new VerifyPassword(attempt.Password));
        }
        if (user is null)
        {
            // Not cancellable: a client that hangs up must not leave its failed attempt unrecorded.
            await index.ExecuteAsync(
                AuditLog.Entry(clock.GetUtcNow(), userId, AuditActions.LoginFailed, userId is null ? null : $"user:{userId}", attempt.Ip,
                    new { email, reason = userId is null ? "unknown_email" : "wrong_password" }),
                CancellationToken.None);
        }
        return new LoginCheck(user, userId);
    }
}
