using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OrleansHub.Api.Auth;
using OrleansHub.Api.Conventions;
using OrleansHub.Api.Identity.Users;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Identity;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Api.Identity.Sessions;

/// <summary>/api/v1/auth: register, login, refresh (anonymous), logout and me.</summary>
internal static class SessionEndpoints
{
    public static RouteGroupBuilder MapSessions(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/auth").WithTags("Auth").RequireRateLimiting(RateLimitPolicies.PerCaller);

        // Anonymous, and under the stricter per-address limit: password guessing, credential stuffing.
        group.MapPost("/register", RegisterAsync).WithName("Register").AllowAnonymous().RequireRateLimiting(RateLimitPolicies.Auth);
        group.MapPost("/login", LoginAsync).WithName("Login").AllowAnonymous().RequireRateLimiting(RateLimitPolicies.Auth);
        group.MapPost("/refresh", RefreshAsync).WithName("Refresh").AllowAnonymous().RequireRateLimiting(RateLimitPolicies.Auth);

        // Any authenticated caller, viewers included: ending one's own session is not a write.
        group.MapPost("/logout", LogoutAsync).WithName("Logout");
        group.MapGet("/me", MeAsync).WithName("Me");
        return group;
    }

    private static async Task<Results<Created<SessionResponse>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        RegisterRequest body,
        HttpContext http,
        [FromServices] IGrainFactory grains,
        [FromServices] SessionIssuer sessions)
    {
        var errors = new IdentityValidation.Errors();
        IdentityValidation.Username(errors, body.Username);
        IdentityValidation.Email(errors, body.Email);
        IdentityValidation.NewPassword(errors, body.Password);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        UserView user;
        try
        {
            user = await grains.GetGrain<IUserGrain>(Guid.CreateVersion7().ToString()).CallAsNewAsync(
                g => g.RegisterAsync(new RegisterUser(body.Username!, body.Email!, body.Password!, http.ClientIp())));
        }
        catch (ConflictException)
        {
            return IdentityProblems.Conflict("This email is already registered.");
        }
        var session = await sessions.StartAsync(user, "register", http.ClientIp());
        return TypedResults.Created("/api/v1/auth/me", session);
    }

    private static async Task<Results<Ok<SessionResponse>, ValidationProblem, ProblemHttpResult>> LoginAsync(
        LoginRequest body,
        HttpContext http,
        [FromServices] ILoginVerifier logins,
        [FromServices] SessionIssuer sessions,
        [FromServices] ILogger<SessionIssuer> logger,
        CancellationToken cancellationToken)
    {
        var errors = new IdentityValidation.Errors();
        IdentityValidation.Required(errors, "email", body.Email, IdentityValidation.MaxEmailLength);
        IdentityValidation.Required(errors, "password", body.Password, IdentityValidation.MaxPasswordLength);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // The verifier spends the same hashing work on an unknown email and audits every failure.
        var check = await logins.VerifyAsync(new LoginAttempt(body.Email!, body.Password!, http.ClientIp()), cancellationToken);
        if (check.User is not { } user)
        {
            AuthLog.LoginFailed(logger, check.UserId);
            return IdentityProblems.Unauthorized("The email or the password is wrong.");
        }
        return TypedResults.Ok(await sessions.StartAsync(user, "password", http.ClientIp()));
    }

    private static async Task<Results<Ok<SessionResponse>, ValidationProblem, ProblemHttpResult>> RefreshAsync(
        RefreshRequest body,
        HttpContext http,
        [FromServices] SessionIssuer sessions)
    {
        if (string.IsNullOrEmpty(body.RefreshToken))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["refresh_token"] = ["Required."] });
        }
        return await sessions.RefreshAsync(body.RefreshToken, http.ClientIp()) is { } session
            ? TypedResults.Ok(session)
            : IdentityProblems.Unauthorized("The refresh token is invalid, used or expired.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> LogoutAsync(
        ClaimsPrincipal caller,
        HttpContext http,
        [FromServices] IGrainFactory grains)
    {
        if (caller.SessionId() is not { } sessionId)
        {
            return IdentityProblems.Forbidden("An API key has no session to log out of; revoke the key instead.");
        }
        await grains.GetGrain<ISessionGrain>(sessionId).RevokeAsync(new RevokeSession(RevocationReasons.Logout, caller.UserId(), http.ClientIp()));
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> MeAsync(
        ClaimsPrincipal caller,
        [FromServices] IGrainFactory grains) =>
        await grains.GetGrain<IUserGrain>(caller.UserId()).GetAsync() is { } user
            ? TypedResults.Ok(user.ToResponse())
            : IdentityProblems.NotFound("No such user.");
}
