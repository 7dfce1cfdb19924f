using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using OrleansHub.Api.Conventions.RateLimiting;

namespace OrleansHub.Api.Tests.Conventions;

/// <summary>Who shares a limit with whom: per API key, else per user, else per address (IPv6 per /64).</summary>
public sealed class RateLimitPartitionTests
{
    [Fact]
    public void AnApiKeyCallerIsLimitedPerKeyEvenWithAUser()
    {
        var context = Context("10.0.0.1", new Claim("sub", "user-1"), new Claim("api_key_id", "key-9"));

        Assert.Equal("key:key-9", HubRateLimiting.Caller(context));
    }

    [Fact]
    public void ATokenCallerIsLimitedPerUserWhateverTheAddress()
    {
        Assert.Equal("user:user-1", HubRateLimiting.Caller(Context("10.0.0.1", new Claim("sub", "user-1"))));
        Assert.Equal("user:user-1", HubRateLimiting.Caller(Context("10.0.0.2", new Claim("sub", "user-1"))));
    }

    [Fact]
    public void AnAnonymousCallerIsLimitedPerAddress()
    {
        Assert.Equal("ip:10.0.0.1", HubRateLimiting.Caller(Context("10.0.0.1")));
    }

    [Fact]
    public void ClaimsOfAnUnauthenticatedPrincipalAreIgnored()
    {
        var context = Context("10.0.0.1");
        context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "forged")]));

        Assert.Equal("ip:10.0.0.1", HubRateLimiting.Caller(context));
    }

    [Fact]
    public void IPv6ClientsShareTheLimitOfTheirSlash64()
    {
        var first = HubRateLimiting.ClientAddress(Context("2001:db8:1:2:aaaa::1"));
        var second = HubRateLimiting.ClientAddress(Context("2001:db8:1:2:bbbb::2"));
        var otherNetwork = HubRateLimiting.ClientAddress(Context("2001:db8:1:3::1"));

        Assert.Equal(first, second);
        Assert.NotEqual(first, otherNetwork);
    }

    [Fact]
    public void IPv4MappedAddressesCountAsTheirIPv4Address()
    {
        Assert.Equal("ip:192.0.2.7", HubRateLimiting.ClientAddress(Context("::ffff:192.0.2.7")));
    }

    private static DefaultHttpContext Context(string address, params Claim[] claims)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);
        if (claims.Length > 0)
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType: "test"));
        }

        return context;
    }
}
