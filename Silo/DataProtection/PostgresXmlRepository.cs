using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace OrleansHub.Silo.DataProtection;

/// <summary>
/// DataProtection's key ring in the <c>data_protection_keys</c> table (deploy/sql/domain/0500), where every
/// silo of a cluster reads it. Hand-written because the only served package that stores keys in PostgreSQL,
/// Microsoft.AspNetCore.DataProtection.EntityFrameworkCore, would bring Entity Framework Core and its
/// PostgreSQL provider into the silo for this one table.
/// </summary>
/// <remarks>
/// <see cref="IXmlRepository"/> is synchronous, so are these calls. DataProtection makes them when it
/// loads or refreshes its key ring (at start, then about once a day) or creates a key, never per request.
/// </remarks>
internal sealed class PostgresXmlRepository(NpgsqlDataSource dataSource) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var command = dataSource.CreateCommand("SELECT xml FROM data_protection_keys ORDER BY created_at, name");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        // Key names are "key-<guid>", unique per key; a repeated store of the same key changes nothing.
        using var command = dataSource.CreateCommand(
            "INSERT INTO data_protection_keys (name, xml) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter { Value = string.IsNullOrEmpty(friendlyName) ? Guid.NewGuid().ToString() : friendlyName });
        command.Parameters.Add(new NpgsqlParameter { Value = element.ToString(SaveOptions.DisableFormatting) });
        command.ExecuteNonQuery();
    }
}
