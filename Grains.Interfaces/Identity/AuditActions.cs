namespace OrleansHub.Grains.Interfaces.Identity;

/// <summary>
/// Values of <c>audit_logs.action</c>. Other features add theirs as <c>&lt;resource&gt;_deleted</c>,
/// <c>&lt;resource&gt;_&lt;verb&gt;</c>, written with <c>AuditLog.Entry</c> (Grains/Identity) in the same transaction as their state.
/// </summary>
public static class AuditActions
{
    public const string Register = "register";
    public const string Login = "login";
    public const string LoginFailed = "login_failed";
    public const string Logout = "logout";
    public const string SessionRevoked = "session_revoked";
    public const string RefreshTokenReused = "refresh_token_reused";
    public const string RoleChanged = "role_changed";
    public const string ApiKeyCreated = "api_key_created";
    public const string ApiKeyRevoked = "api_key_revoked";
}
