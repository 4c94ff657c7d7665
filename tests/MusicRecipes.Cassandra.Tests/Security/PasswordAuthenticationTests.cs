using System.Diagnostics;
using MusicRecipes.Cql;
using MusicRecipes.Testing;

namespace MusicRecipes.Cassandra.Tests.Security;

/// <summary>
/// The CQL client against a node that requires a login: the right credentials run the MUSIC stores; a wrong password
/// or none is refused with a clear authentication error, at once, and the error never carries the password.
/// </summary>
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class PasswordAuthenticationTests(PasswordProtectedCassandra node) : IClassFixture<PasswordProtectedCassandra>
{
    [Fact]
    public async Task With_the_right_credentials_the_data_and_lock_stores_work()
    {
        await using var session = await CqlSession.ConnectAsync(node.Login(PasswordProtectedCassandra.AppUser, PasswordProtectedCassandra.AppPassword));
        var keyspace = "auth_" + Guid.NewGuid().ToString("N")[..8]; // made by the application's login (AllowAllAuthorizer)

        await CriticalSectionOverSession.RunAsync(session, keyspace);
    }

    [Theory]
    [InlineData("wrong-password")]
    [InlineData(null)]
    public async Task A_wrong_password_or_none_is_a_clear_authentication_error_at_once(string? password)
    {
        var user = password is null ? null : PasswordProtectedCassandra.AppUser;
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<CqlAuthenticationException>(() => CqlSession.ConnectAsync(node.Login(user, password)));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"refused after {watch.Elapsed}: no retries of credentials that cannot work");
        Assert.Contains(password is null ? "no credentials are configured" : "password", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(PasswordProtectedCassandra.AppPassword, error.ToString());
        if (password is not null)
        {
            Assert.DoesNotContain(password, error.ToString());
        }
    }
}
