using OrleansHub.Grains.Identity;

namespace OrleansHub.Grains.Tests.Identity;

public sealed class PasswordHasherTests
{
    private const int Iterations = 1_000;

    [Fact]
    public void TheRightPasswordVerifies()
    {
        var stored = PasswordHasher.Hash("correct horse", Iterations);

        Assert.Equal(PasswordCheck.Success, PasswordHasher.Verify("correct horse", stored, Iterations));
    }

    [Theory]
    [InlineData("correct hors")]
    [InlineData("Correct horse")]
    [InlineData("")]
    public void AnyOtherPasswordFails(string attempt)
    {
        var stored = PasswordHasher.Hash("correct horse", Iterations);

        Assert.Equal(PasswordCheck.Failed, PasswordHasher.Verify(attempt, stored, Iterations));
    }

    [Fact]
    public void TheHashNamesItsAlgorithmAndIterationsAndUsesAFreshSalt()
    {
        var first = PasswordHasher.Hash("same password", Iterations);
        var second = PasswordHasher.Hash("same password", Iterations);

        var parts = first.Split('$');
        Assert.Equal(["pbkdf2-sha512", "1000"], parts[..2]);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.Equal(64, Convert.FromBase64String(parts[3]).Length);
        Assert.NotEqual(first, second);
        Assert.NotEqual(first.Split('$')[2], second.Split('$')[2]);
    }

    [Fact]
    public void OtherIterationsStillVerifyButAskForARehash()
    {
        var stored = PasswordHasher.Hash("correct horse", Iterations);

        Assert.Equal(PasswordCheck.SuccessRehashNeeded, PasswordHasher.Verify("correct horse", stored, Iterations * 2));
        Assert.Equal(PasswordCheck.Failed, PasswordHasher.Verify("wrong horse", stored, Iterations * 2));
        Assert.Equal(Iterations, PasswordHasher.IterationsOf(stored));
    }

    [Fact]
    public void ProductionDefaultIsAtLeastTheOwaspFloor()
    {
        Assert.True(new PasswordHashingOptions().Iterations >= 210_000);
        Assert.Equal(210_000, PasswordHashingOptions.MinimumIterations);
    }

    [Fact]
    public void ATamperedHashFails()
    {
        var parts = PasswordHasher.Hash("correct horse", Iterations).Split('$');
        var hash = Convert.FromBase64String(parts[3]);
        hash[0] ^= 1;
        parts[3] = Convert.ToBase64String(hash);

        Assert.Equal(PasswordCheck.Failed, PasswordHasher.Verify("correct horse", string.Join('$', parts), Iterations));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plaintext")]
    [InlineData("bcrypt$10$c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha512$0$c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha512$-5$c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha512$99999999$c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha512$1000$not base64!$aGFzaA==")]
    [InlineData("pbkdf2-sha512$1000$$aGFzaA==")]
    [InlineData("pbkdf2-sha512$1000$c2FsdA==")]
    public void AMalformedOrForeignHashNeverVerifies(string stored)
    {
        Assert.Equal(PasswordCheck.Failed, PasswordHasher.Verify("correct horse", stored, Iterations));
    }
}
