package ua.epetitions.gateway.petition;

import java.time.OffsetDateTime;

/** A council using the system, with its petition rules. */
public record Community(
    int id,
    String slug,
    CommunityRules rules,
    boolean signingPaused,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt) {}
