using OrleansHub.Grains.Interfaces.Lists;

namespace OrleansHub.Api.Pagination;

/// <summary>The list envelope of docs/api.md: <c>{"data": [...], "pagination": {...}}</c>.</summary>
public sealed record Page<T>(IReadOnlyList<T> Data, PageInfo Pagination)
{
    public static Page<T> From(IReadOnlyList<T> data, PageQuery query, long total) =>
        new(data, new PageInfo(query.Limit, query.Offset, total, query.Offset + data.Count < total, query.Offset > 0));
}

/// <summary>Serialized as <c>{limit, offset, total, has_next, has_prev}</c>.</summary>
public sealed record PageInfo(int Limit, int Offset, long Total, bool HasNext, bool HasPrev);

/// <summary>
/// limit (default 20, larger values clamped to 100, smaller than 1 raised to 1) and offset (negative is
/// treated as 0). Handlers take <c>int? limit, int? offset</c> and call <see cref="From"/>.
/// </summary>
public sealed record PageQuery(int Limit, int Offset)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public static PageQuery From(int? limit, int? offset) =>
        new(Math.Clamp(limit ?? DefaultLimit, 1, MaxLimit), Math.Max(0, offset ?? 0));

    /// <summary>The slice to ask a list's owner for.</summary>
    public ListRange ToRange() => new(Limit, Offset);
}
