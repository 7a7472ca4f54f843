package ua.epetitions.gateway.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol.Command;
import ua.epetitions.gateway.testing.Eventually;
import ua.epetitions.gateway.testing.TestGateway;
import ua.epetitions.gateway.testing.TestServers;

/**
 * What the signing path holds for a petition, read by test code straight from Redis and PostgreSQL:
 * the partition's stream, the petition's signers and live count, the stored rows.
 */
final class SigningRecords {
  private static final Duration DRAIN_PATIENCE = Duration.ofSeconds(15);

  private final TestGateway gw;
  private final SigningKeys keys;

  SigningRecords(TestGateway gw) {
    this.gw = gw;
    this.keys = new SigningKeys(gw.gateway().services().config().signing().partitions());
  }

  /** Entries waiting in the stream of the petition's partition. */
  long streamLength(long petitionId) {
    try (Jedis jedis = TestServers.get().jedis()) {
      return jedis.xlen(keys.stream(keys.partitionOf(petitionId)));
    }
  }

  /**
   * Entries of the petition's partition read by a writer but not yet acknowledged: the count of the
   * XPENDING summary, read raw because the client cannot parse the summary of an empty list.
   */
  long pendingEntries(long petitionId) {
    try (Jedis jedis = TestServers.get().jedis()) {
      List<?> summary =
          (List<?>)
              jedis.sendCommand(
                  Command.XPENDING,
                  keys.stream(keys.partitionOf(petitionId)),
                  SigningKeys.WRITER_GROUP);
      return (Long) summary.get(0);
    }
  }

  /** Size of the petition's signers hash. */
  long signers(long petitionId) {
    try (Jedis jedis = TestServers.get().jedis()) {
      return jedis.hlen(keys.signers(petitionId));
    }
  }

  /** The signer keys of the petition's stored signatures, in key order. */
  List<String> signerKeys(long petitionId) {
    List<String> signerKeys = new ArrayList<>();
    gw.sql(
            "SELECT signer_key FROM signatures WHERE petition_id = "
                + petitionId
                + " ORDER BY signer_key")
        .forEach(row -> signerKeys.add(row.getString("signer_key")));
    return signerKeys;
  }

  /** The live count in the petition's Redis state, or null when Redis has none. */
  String liveCount(long petitionId) {
    try (Jedis jedis = TestServers.get().jedis()) {
      return jedis.hget(keys.petition(petitionId), "count");
    }
  }

  /** The petition's signatures stored in PostgreSQL. */
  long storedRows(long petitionId) {
    return gw.count("SELECT count(*) FROM signatures WHERE petition_id = " + petitionId);
  }

  /** The petition's persisted count; -1 when PostgreSQL has no such petition. */
  long persistedCount(long petitionId) {
    return gw.count(
        "SELECT coalesce(max(persisted_count), -1) FROM petitions WHERE id = " + petitionId);
  }

  /** Entries waiting in every partition's stream. */
  long allStreamsLength() {
    try (Jedis jedis = TestServers.get().jedis()) {
      long entries = 0;
      for (int partition = 0; partition < keys.partitions(); partition++) {
        entries += jedis.xlen(keys.stream(partition));
      }
      return entries;
    }
  }

  /**
   * Waits until the writer has stored every accepted signature, of every partition: a snapshot
   * counts all stored signatures, which the writer would otherwise move under it.
   */
  void awaitDrained() {
    Eventually.within(DRAIN_PATIENCE, () -> assertThat(allStreamsLength()).isZero());
  }

  /** Everything the signing path holds for a petition, once the writer has drained its stream. */
  Snapshot drainedSnapshot(long petitionId) {
    awaitDrained();
    return snapshot(petitionId);
  }

  Snapshot snapshot(long petitionId) {
    return new Snapshot(
        streamLength(petitionId),
        signers(petitionId),
        liveCount(petitionId),
        gw.count("SELECT count(*) FROM signatures"),
        persistedCount(petitionId));
  }

  /**
   * The state a refused signature must leave as it found it.
   *
   * @param streamEntries entries in the stream of the petition's partition
   * @param signers entries of the petition's signers hash
   * @param liveCount the petition's live count in Redis
   * @param storedSignatures all signatures stored in PostgreSQL
   * @param persistedCount the petition's persisted count
   */
  record Snapshot(
      long streamEntries,
      long signers,
      String liveCount,
      long storedSignatures,
      long persistedCount) {}
}
