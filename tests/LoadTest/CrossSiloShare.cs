namespace OrleansHub.LoadTest;

/// <summary>
/// The share of delivered events that crossed silos: received by a connection on another silo than the one holding
/// the grain that produced the event. The product does not say which silo produced an event, but a grain is active on
/// one silo at a time and every connection of a group follows the same two streams, so for each group the crossed
/// events are all but those received on the producing silo: at least the group's events minus those received on its
/// busiest silo, at most its events minus those on its quietest. Summed over groups this bounds the share from
/// received counts alone; with each group's connections spread evenly over N silos both bounds are (N-1)/N whichever
/// silo the grains live on. The bounds need every connection of a group to receive all of its events, which holds
/// because writers start after all connections subscribed and the seq check counts whatever a connection missed.
/// </summary>
internal static class CrossSiloShare
{
    /// <summary>Lower and upper bound of the crossed share; null when nothing was received.</summary>
    public static (double Min, double Max)? Of(IEnumerable<(int Group, int Silo, long Received)> connections, int silos)
    {
        long total = 0, least = 0, most = 0;
        foreach (var group in connections.GroupBy(c => c.Group))
        {
            var perSilo = new long[silos];
            foreach (var connection in group)
            {
                perSilo[connection.Silo] += connection.Received;
            }
            var events = perSilo.Sum();
            total += events;
            least += events - perSilo.Max();
            most += events - perSilo.Min();
        }
        return total == 0 ? null : (least / (double)total, most / (double)total);
    }
}
