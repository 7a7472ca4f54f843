package ua.epetitions.gateway.petition;

import java.time.OffsetDateTime;

/**
 * A petition as stored, with its community's slug and time zone (read in the same query); the live
 * count comes from Redis and is not part of it.
 */
public record Petition(
    long id,
    int communityId,
    String communitySlug,
    String communityTimeZone,
    int number,
    String title,
    String text,
    Topic topic,
    PetitionStatus status,
    OffsetDateTime createdAt,
    OffsetDateTime openedAt,
    OffsetDateTime closesAt,
    OffsetDateTime thresholdReachedAt,
    OffsetDateTime answeredAt,
    Integer threshold,
    int persistedCount,
    String answer,
    String rejectionReason) {}
