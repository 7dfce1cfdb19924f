namespace OrleansHub.Grains.Interfaces.Errors;

/// <summary>
/// A rule of the domain said no. Grains throw these; the API maps each to its problem+json status and
/// code (docs/api.md), so a broken rule is always a clear 4xx, never a 500.
/// </summary>
[GenerateSerializer, Alias("OrleansHub.DomainException")]
public abstract class DomainException(string message) : Exception(message);

/// <summary>404 NOT_FOUND: the resource does not exist, or the caller may not know it exists.</summary>
[GenerateSerializer, Alias("OrleansHub.NotFoundException")]
public sealed class NotFoundException(string message) : DomainException(message);

/// <summary>409 CONFLICT: a duplicate, or a state transition that is not allowed.</summary>
[GenerateSerializer, Alias("OrleansHub.ConflictException")]
public sealed class ConflictException(string message) : DomainException(message);

/// <summary>403 FORBIDDEN: the caller sees the resource but may not do this to it.</summary>
[GenerateSerializer, Alias("OrleansHub.ForbiddenException")]
public sealed class ForbiddenException(string message) : DomainException(message);

/// <summary>401 UNAUTHORIZED: credentials are missing, wrong or revoked.</summary>
[GenerateSerializer, Alias("OrleansHub.UnauthorizedException")]
public sealed class UnauthorizedException(string message) : DomainException(message);

/// <summary>503 SERVICE_UNAVAILABLE: something the request needs (e.g. the task sandbox) is down; retry later.</summary>
[GenerateSerializer, Alias("OrleansHub.UnavailableException")]
public sealed class UnavailableException(string message) : DomainException(message);

/// <summary>
/// 503 SANDBOX_UNAVAILABLE: this node has no sandbox to run tasks in (no Docker engine, no working
/// bubblewrap). The message is for the log; the response says what an operator can do.
/// </summary>
[GenerateSerializer, Alias("OrleansHub.SandboxUnavailableException")]
public sealed class SandboxUnavailableException(string message) : DomainException(message);

/// <summary>400 VALIDATION_ERROR with the offending fields.</summary>
[GenerateSerializer, Alias("OrleansHub.ValidationException")]
public sealed class ValidationException(IReadOnlyDictionary<string, string[]> errors)
    : DomainException("One or more fields are invalid.")
{
    [Id(0)]
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public ValidationException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] })
    {
    }
}
