using Microsoft.Extensions.Options;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Identity;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Grains.Identity;

/// <summary>
/// A user. Hashing runs here, inside the activation's turn, so concurrent guesses at one account queue up
/// behind each other instead of spreading over the CPU.
/// </summary>
[GrainType("user")]
public sealed class UserGrain(
    [OutboxState("user")] IOutboxState<UserState> state,
    IOptions<PasswordHashingOptions> passwords,
    TimeProvider clock) : Grain, IUserGrain
{
    public async Task<UserView> RegisterAsync(RegisterUser command)
    {
        if (state.State.Exists)
        {
            throw new ConflictException("This user is already registered.");
        }
        var now = IdentityClock.Now(clock);
        var hash = PasswordHasher.Hash(command.Password, passwords.Value.Iterations);

        // First admin, race-free: every registration first tries to insert the single row of first_admin
        // in its own transaction. Exactly one can ever succeed; the others retry as plain users.
        state.State = UserState.Register(this.GetPrimaryKeyString(), command, hash, Roles.Admin, now);
        try
        {
            await WriteRegistrationAsync(command.Ip, IdentityIndex.ClaimFirstAdmin(state.State));
        }
        catch (DuplicateIndexEntryException ex) when (ex.ConstraintName == IdentityIndex.FirstAdminTaken)
        {
            // Nothing committed and the insert-only ETag is unchanged, so writing again in this turn is safe.
            state.State = state.State with { Role = Roles.User };
            await WriteRegistrationAsync(command.Ip);
        }
        return state.State.ToView();
    }

    public async Task<UserView?> VerifyPasswordAsync(VerifyPassword command)
    {
        if (!state.State.Exists)
        {
            return null;
        }
        var iterations = passwords.Value.Iterations;
        switch (PasswordHasher.Verify(command.Password, state.State.PasswordHash, iterations))
        {
            case PasswordCheck.Success:
                return state.State.ToView();
            case PasswordCheck.SuccessRehashNeeded:
                state.State = state.State with { PasswordHash = PasswordHasher.Hash(command.Password, iterations) };
                await state.WriteStateAsync();
                return state.State.ToView();
            default:
                return null;
        }
    }

    public Task<UserView?> GetAsync() => Task.FromResult(state.State.Exists ? state.State.ToView() : null);

    public async Task<UserView> ChangeRoleAsync(ChangeRole command)
    {
        var before = state.State;
        var after = before.ChangeRole(command);
        if (after.Role == before.Role)
        {
            return before.ToView();
        }
        state.State = after;
        await state.WriteStateAsync([],
        [
            IdentityIndex.SetRole(after),
            AuditLog.Entry(IdentityClock.Now(clock), command.ActorId, AuditActions.RoleChanged, $"user:{after.Id}", command.Ip,
                new { from = before.Role, to = after.Role }),
        ]);
        return after.ToView();
    }

    private async Task WriteRegistrationAsync(string? ip, params IndexUpdate[] extra)
    {
        var user = state.State;
        try
        {
            await state.WriteStateAsync([],
            [
                IdentityIndex.InsertUser(user),
                .. extra,
                AuditLog.Entry(user.CreatedAt, user.Id, AuditActions.Register, $"user:{user.Id}", ip,
                    new { username = user.Username, email = user.Email, role = user.Role }),
            ]);
        }
        catch (DuplicateIndexEntryException ex) when (ex.ConstraintName == IdentityIndex.EmailTaken)
        {
            state.State = new UserState();
            throw new ConflictException("This email is already registered.");
        }
    }
}
