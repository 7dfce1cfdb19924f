using Orleans.Configuration;

namespace OrleansHub.Silo.Hosting;

/// <summary>
/// How fast the cluster declares a silo dead (docs/operations.md "Failure detection"). Orleans' defaults take
/// 15 s or more after a crash (5 s probes, 3 missed); until then calls to the grains the dead silo held fail.
/// Ours aim at a few seconds: every silo probes up to 10 others every <c>ProbeTimeout</c> (2 s), and
/// <c>NumMissedProbesLimit</c> (2) missed probes make it suspect the target; <c>NumVotesForDeathDeclaration</c>
/// (2) suspicions declare it dead (Orleans needs fewer votes when fewer silos are alive, so a two-silo cluster
/// still fails over). A killed process refuses connections at once, so its probes fail immediately rather than
/// time out. Indirect probes (another silo probes the suspect for the voter) stay on: a silo that merely cannot
/// reach one peer does not get it killed. Each value can be overridden under <c>Orleans:Membership</c>.
/// </summary>
internal static class SiloMembership
{
    public const string Section = "Orleans:Membership";

    public static void Defaults(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = TimeSpan.FromSeconds(2);
        options.NumMissedProbesLimit = 2;
        options.NumVotesForDeathDeclaration = 2;
        options.EnableIndirectProbes = true;
    }
}
