using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using OrleansHub.Grains.Interfaces.Errors;

namespace OrleansHub.Api.Problems;

/// <summary>
/// JSON lets a client put <c>null</c> where a request only makes sense with a value: an element of an array
/// (<c>"items":[null]</c>, <c>"tags":["a",null]</c>) or the value of a string-to-string map
/// (<c>"metadata":{"foo":null}</c>). System.Text.Json binds those as null, and the handlers' mapping to
/// commands would dereference them (a 500). One endpoint filter, on every endpoint, walks each bound request
/// body before the handler runs and answers 400 VALIDATION_ERROR naming every such place by its JSON path
/// (<c>items[1]</c>, <c>categories[0].items[2]</c>, <c>metadata.foo</c>). A null <em>member</em>
/// (<c>"description":null</c>) is left alone: that means "not sent", and each endpoint decides about it.
/// </summary>
internal static class RequestBodyNulls
{
    private const string NullElement = "Must not be null.";

    private static readonly Assembly RequestAssembly = typeof(RequestBodyNulls).Assembly;
    private static readonly ConcurrentDictionary<Type, (string Name, PropertyInfo Property)[]> Members = new();

    /// <summary>The filter factory: endpoints without a request body parameter get no filter at all.</summary>
    public static EndpointFilterDelegate Create(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var services = context.ApplicationServices.GetService<IServiceProviderIsService>();
        var bodies = context.MethodInfo.GetParameters()
            .Where(parameter => IsRequestBody(parameter, services))
            .Select(parameter => parameter.Position)
            .ToArray();
        if (bodies.Length == 0)
        {
            return next;
        }

        return invocation =>
        {
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            foreach (var position in bodies)
            {
                if (invocation.Arguments[position] is { } body)
                {
                    Collect(body, prefix: "", errors, depth: 0);
                }
            }
            if (errors.Count == 0)
            {
                return next(invocation);
            }
            // The keys are JSON paths with the client's own map keys (env.PATH): no CLR-name conversion.
            invocation.HttpContext.Items[ProblemCodes.KeysAreJsonPaths] = true;
            throw new ValidationException(errors);
        };
    }

    // A request record of this assembly that is not a service; minimal APIs bind exactly those from the body.
    private static bool IsRequestBody(ParameterInfo parameter, IServiceProviderIsService? services) =>
        parameter.ParameterType is { IsClass: true } type
        && type.Assembly == RequestAssembly
        && parameter.GetCustomAttribute<FromServicesAttribute>() is null
        && parameter.GetCustomAttribute<AsParametersAttribute>() is null
        && services?.IsService(type) != true;

    /// <summary>Adds an error for every null element or map value inside <paramref name="value"/>.</summary>
    internal static void Collect(object value, string prefix, IDictionary<string, string[]> errors, int depth)
    {
        // The body is parsed JSON, whose depth the serializer already bounds; this guards against a cycle.
        if (depth > 64)
        {
            return;
        }

        switch (value)
        {
            case string or JsonElement or JsonDocument:
                return;
            case IDictionary map:
                foreach (DictionaryEntry entry in map)
                {
                    var path = $"{prefix}.{entry.Key}";
                    if (entry.Value is null)
                    {
                        errors[path] = [NullElement];
                    }
                    else
                    {
                        Collect(entry.Value, path, errors, depth + 1);
                    }
                }
                return;
            case IEnumerable sequence:
                var index = 0;
                foreach (var element in sequence)
                {
                    var path = $"{prefix}[{index++}]";
                    if (element is null)
                    {
                        errors[path] = [NullElement];
                    }
                    else
                    {
                        Collect(element, path, errors, depth + 1);
                    }
                }
                return;
        }

        if (value.GetType().Assembly != RequestAssembly)
        {
            return;
        }
        foreach (var (name, property) in Members.GetOrAdd(value.GetType(), MembersOf))
        {
            if (property.GetValue(value) is { } member)
            {
                Collect(member, prefix.Length == 0 ? name : $"{prefix}.{name}", errors, depth + 1);
            }
        }
    }

    // Public instance properties under the names clients send (the API's snake_case policy, or [JsonPropertyName]).
    private static (string Name, PropertyInfo Property)[] MembersOf(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.CanRead && property.GetIndexParameters().Length == 0 && !property.PropertyType.IsPrimitive)
            .Select(property => (
                property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name),
                property))];
}
