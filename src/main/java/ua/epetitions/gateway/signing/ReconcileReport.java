package ua.epetitions.gateway.signing;

import java.time.Instant;
import java.util.Map;
import ua.epetitions.gateway.ops.GatewayMeters.Drift;

/**
 * What a reconciliation found and repaired. Every drift found is repaired in the same run; a run
 * that cannot repair fails instead of reporting.
 *
 * @param petitionsChecked open petitions compared
 * @param petitionsSkipped petitions being rebuilt at the time, left alone
 * @param petitionsRepaired per kind of drift, the petitions found drifting (and repaired)
 * @param driftSignatures per kind of drift, its size in signatures, summed over petitions
 * @param liveCountTotal live counts summed over the open petitions, after repair
 * @param persistedCountTotal persisted counts summed over the open petitions, after repair
 * @param streamEntries entries still waiting in the streams (signatures not yet stored): the
 *     expected difference between live and persisted counts
 */
public record ReconcileReport(
    int petitionsChecked,
    int petitionsSkipped,
    Map<Drift, Long> petitionsRepaired,
    Map<Drift, Long> driftSignatures,
    long liveCountTotal,
    long persistedCountTotal,
    long streamEntries,
    long durationMs,
    Instant finishedAt)
    implements SigningJob.Report {}
