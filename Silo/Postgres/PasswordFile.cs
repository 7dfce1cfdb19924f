using System.Security.Cryptography;

namespace OrleansHub.Silo.Postgres;

/// <summary>
/// A role's password in a PostgreSQL password file (pgpass format, <c>*:*:*:role:password</c>), readable
/// by this process's user only (0600). Connection strings name the file (<c>Passfile=</c>) instead of
/// carrying the password, so the secret stays out of configuration and logs, and a connection string can be
/// made before the server (and the file) exists.
/// </summary>
internal static class PasswordFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>A new random password: 32 bytes as lower-case hex, so it needs no quoting in SQL or pgpass.</summary>
    public static string NewPassword() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// Reads <paramref name="role"/>'s password from <paramref name="path"/>; null when the file is missing
    /// or holds no line for the role.
    /// </summary>
    public static string? Read(string path, string role)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var prefix = $"*:*:*:{role}:";
        return File.ReadLines(path)
            .Where(line => line.StartsWith(prefix, StringComparison.Ordinal))
            .Select(line => line[prefix.Length..].Trim())
            .FirstOrDefault(password => password.Length > 0);
    }

    /// <summary>
    /// Writes <paramref name="role"/>'s password to <paramref name="path"/> (replacing the file), owner-only.
    /// Written beside it and renamed, so a crash never leaves a half-written file.
    /// </summary>
    public static void Write(string path, string role, string password) =>
        WriteOwnerOnly(path, $"# Password of the PostgreSQL role '{role}', written by OrleansHub. Keep it private.\n*:*:*:{role}:{password}\n");

    /// <summary>Writes <paramref name="content"/> to a new owner-only (0600) file at <paramref name="path"/>, atomically.</summary>
    public static void WriteOwnerOnly(string path, string content)
    {
        var temporary = path + ".tmp";
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        using (var writer = new StreamWriter(temporary, System.Text.Encoding.ASCII, options))
        {
            writer.Write(content);
            writer.Flush();
            ((FileStream)writer.BaseStream).Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
