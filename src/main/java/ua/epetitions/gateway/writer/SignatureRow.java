package ua.epetitions.gateway.writer;

import java.time.OffsetDateTime;

/** One acknowledged signature read from a stream, ready for PostgreSQL. */
record SignatureRow(
    String entryId,
    long petitionId,
    String signerKey,
    String displayName,
    OffsetDateTime signedAt,
    String receipt) {}
