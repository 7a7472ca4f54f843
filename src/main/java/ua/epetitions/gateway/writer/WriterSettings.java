package ua.epetitions.gateway.writer;

/** How the batch writer reads, waits, retries and claims. */
public record WriterSettings(
    int batchSize,
    long flushIntervalMs,
    long idleBlockMs,
    long claimIntervalMs,
    long claimMinIdleMs,
    long maxBackoffMs) {}
