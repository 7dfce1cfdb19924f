using Npgsql;
using OrleansHub.TestSupport;

namespace OrleansHub.Silo.Tests;

public sealed class PostgresFixtureTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task EachDatabaseIsFreshAndSeparate()
    {
        var other = await postgres.CreateDatabaseAsync();

        await ExecuteAsync(postgres.ConnectionString, "CREATE TABLE only_in_the_fixture_database (id int)");

        Assert.NotEqual(new NpgsqlConnectionStringBuilder(postgres.ConnectionString).Database, new NpgsqlConnectionStringBuilder(other).Database);
        var error = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(other, "SELECT * FROM only_in_the_fixture_database"));
        Assert.Equal(PostgresErrorCodes.UndefinedTable, error.SqlState);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
