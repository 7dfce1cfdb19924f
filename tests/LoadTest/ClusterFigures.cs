namespace OrleansHub.LoadTest;

/// <summary>How the run spread over the silos: connections and REST requests per silo, and the cross-silo share.</summary>
/// <param name="Servers">The silos' URLs, in the order the per-silo counts use.</param>
/// <param name="ConnectionsPerSilo">Open connections on each silo.</param>
/// <param name="RequestsPerSilo">REST requests (set-up and writers) sent to each silo.</param>
/// <param name="CrossedShare">Bounds of the share of delivered events that crossed silos (<see cref="CrossSiloShare"/>).</param>
internal sealed record ClusterFigures(
    IReadOnlyList<Uri> Servers, int[] ConnectionsPerSilo, long[] RequestsPerSilo, (double Min, double Max)? CrossedShare)
{
    /// <summary>(N-1)/N: the crossed share when a group's connections are spread evenly over N silos.</summary>
    public double EvenSpreadShare => (Servers.Count - 1) / (double)Servers.Count;
}
