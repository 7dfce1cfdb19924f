using System.Collections.Immutable;

namespace OrleansHub.Grains.Interfaces.Lists;

/// <summary>Which slice of a list to read: at most <paramref name="Limit"/> items after the first <paramref name="Offset"/>.</summary>
public sealed record ListRange(int Limit, int Offset);

/// <summary>One page of a list, in the list's order, and how many items the whole list has.</summary>
public sealed record ListPage<T>(ImmutableArray<T> Items, long Total);
