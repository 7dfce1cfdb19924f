namespace OrleansHub.Grains.Interfaces.Identity;

/// <summary>
/// Checks a password login. The account is found by its email (normalized like <see cref="Emails.Normalize"/>)
/// and its user grain verifies the password (rehashing it when the hashing parameters changed). An unknown
/// email costs the same hashing work as a wrong password, so response times do not tell which emails are
/// registered. Every failure is recorded in the audit log as <c>login_failed</c> before this returns.
/// </summary>
public interface ILoginVerifier
{
    /// <summary>The user on success; otherwise a result without one (the caller answers 401 alike for both reasons).</summary>
    Task<LoginCheck> VerifyAsync(LoginAttempt attempt, CancellationToken cancellationToken);
}

/// <summary>A login attempt as the client sent it; <c>Ip</c> is the client's address for the audit log.</summary>
public sealed record LoginAttempt(string Email, string Password, string? Ip);

/// <summary>
/// The outcome: <c>User</c> when the password was right, null otherwise. <c>UserId</c> is the account the
/// email belongs to (null when no account has it), for logs.
/// </summary>
public sealed record LoginCheck(UserView? User, string? UserId);
