using OrleansHub.Grains.Identity;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Identity;

namespace OrleansHub.Grains.Tests.Identity;

public sealed class UserAndApiKeyStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static UserState Alice() =>
        UserState.Register("alice", new RegisterUser("  Alice ", " Alice@Example.COM ", "irrelevant", null), "hash", Roles.User, Now);

    [Fact]
    public void RegistrationTrimsTheNameAndNormalizesTheEmail()
    {
        var alice = Alice();

        Assert.Equal("Alice", alice.Username);
        Assert.Equal("alice@example.com", alice.Email);
        Assert.Equal(new UserView("alice", "Alice", "alice@example.com", Roles.User, Now), alice.ToView());
    }

    [Fact]
    public void AnAdminChangesSomeoneElsesRole()
    {
        Assert.Equal(Roles.Viewer, Alice().ChangeRole(new ChangeRole(Roles.Viewer, "admin", null)).Role);
    }

    [Fact]
    public void NobodyChangesTheirOwnRole()
    {
        Assert.Throws<ForbiddenException>(() => Alice().ChangeRole(new ChangeRole(Roles.Admin, "alice", null)));
    }

    [Fact]
    public void UnknownRolesAndUsersAreRefused()
    {
        var error = Assert.Throws<ValidationException>(() => Alice().ChangeRole(new ChangeRole("root", "admin", null)));
        Assert.Contains("role", error.Errors.Keys);
        Assert.Throws<NotFoundException>(() => new UserState().ChangeRole(new ChangeRole(Roles.User, "admin", null)));
    }

    [Fact]
    public void AKeyAcceptsOnlyItsOwnSecretAndOnlyUntilRevoked()
    {
        var key = ApiKeyState.Create("k1", new CreateApiKey("alice", " ci ", Roles.User, "secret-hash", null), Now);

        Assert.Equal("ci", key.Name);
        Assert.True(key.Accepts("secret-hash"));
        Assert.False(key.Accepts("secret-hasH"));
        Assert.False(key.Accepts(""));
        Assert.False(key.Revoke(Now).Accepts("secret-hash"));
    }

    [Fact]
    public void OnlyTheOwnerRevokesAnActiveKey()
    {
        var key = ApiKeyState.Create("k1", new CreateApiKey("alice", "ci", Roles.User, "h", null), Now);

        Assert.True(key.CanBeRevokedBy("alice"));
        Assert.False(key.CanBeRevokedBy("bob"));
        Assert.False(key.Revoke(Now).CanBeRevokedBy("alice"));
        Assert.False(new ApiKeyState().CanBeRevokedBy(""));
    }

    [Theory]
    [InlineData(Roles.Admin, Roles.User, Roles.User)]
    [InlineData(Roles.User, Roles.Admin, Roles.User)]
    [InlineData(Roles.Viewer, Roles.Admin, Roles.Viewer)]
    [InlineData(Roles.Admin, Roles.Admin, Roles.Admin)]
    public void AKeyNeverHasMoreRightsThanItsOwner(string keyRole, string ownerRole, string effective)
    {
        Assert.Equal(effective, Roles.Min(keyRole, ownerRole));
    }
}
