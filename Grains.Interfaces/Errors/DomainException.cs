namespace OrleansHub.Grains.Interfaces.Errors;

/// <summary>
/// A rule of the domain said no. Grains throw these; the API maps each to its problem+json status and
/// code (API.md), so a broken rule is always a clear 4xx, never a 500.
/// </summary>
public abstract class DomainException(string message) : Exception(message);

/// <summary>404 NOT_FOUND: the resource does not exist, or the caller may not know it exists.</summary>
public sealed class NotFoundException(string message) : DomainException(message);

/// <summary>409 CONFLICT: a duplicate, or a state transition that is not allowed.</summary>
public sealed class ConflictException(string message) : DomainException(message);

/// <summary>403 FORBIDDEN: the caller sees the resource but may not do this to it.</summary>
public sealed class ForbiddenException(string message) : DomainException(message);

/// <summary>401 UNAUTHORIZED: credentials are missing, wrong or revoked.</summary>
public sealed class UnauthorizedException(string message) : DomainException(message);

/// <summary>503 SERVICE_UNAVAILABLE: something the request needs (e.g. the task sandbox) is down; retry later.</summary>
public sealed class UnavailableException(string message) : DomainException(message);

/// <summary>400 VALIDATION_ERROR with the offending fields.</summary>
public sealed class ValidationException(IReadOnlyDictionary<string, string[]> errors)
    : DomainException("One or more fields are invalid.")
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public ValidationException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] })
    {
    }
}
