namespace OrleansHub.Api.Realtime;

/// <summary>Why the server closed a hub connection: in the log and as the <c>reason</c> of the closed counter.</summary>
internal static class CloseReasons
{
    /// <summary>More live events waiting than the connection's buffer; the client resumes by seq.</summary>
    public const string Overflow = "overflow";

    /// <summary>The node is shutting down; the client reconnects to another.</summary>
    public const string Shutdown = "shutdown";

    public const string SendFailed = "send_failed";

    public const string SessionEnded = "session_ended";

    public const string ApiKeyRevoked = "api_key_revoked";

    public const string CredentialsExpired = "credentials_expired";

    /// <summary>Found invalid at connect or at the periodic re-check.</summary>
    public const string CredentialsInvalid = "credentials_invalid";
}
