package ua.epetitions.gateway.signing;

import java.time.Instant;

/**
 * What a rebuild did.
 *
 * @param petitionsRebuilt open petitions whose signers and live count were rebuilt
 * @param petitionsMirrored other petitions whose state was mirrored (they take no signatures)
 * @param signersRestored signers that PostgreSQL held and Redis did not
 * @param durationMs how long it ran
 */
public record RebuildReport(
    int petitionsRebuilt,
    int petitionsMirrored,
    long signersRestored,
    long durationMs,
    Instant finishedAt)
    implements SigningJob.Report {}
