namespace OrleansHub.Api.Auth;

/// <summary>Identity log messages. They carry ids and reasons, never passwords, tokens or keys.</summary>
internal static partial class AuthLog
{
    [LoggerMessage(1, LogLevel.Debug, "Authentication failed: {Reason}")]
    public static partial void AuthenticationFailed(ILogger logger, string reason);

    [LoggerMessage(2, LogLevel.Information, "Login failed for {UserId}")]
    public static partial void LoginFailed(ILogger logger, string? userId);

    [LoggerMessage(3, LogLevel.Warning, "A used refresh token of session {SessionId} was presented again; the session is revoked")]
    public static partial void RefreshTokenReused(ILogger logger, string sessionId);

    [LoggerMessage(4, LogLevel.Debug, "Refresh refused for session {SessionId}: {Outcome}")]
    public static partial void RefreshRefused(ILogger logger, string sessionId, string outcome);
}
