package ua.epetitions.gateway.signing;

/**
 * Names of the Redis keys of the signing path. Every key of a petition carries its partition's hash
 * tag, so that the signing script touches one slot and runs unchanged on Redis Cluster. The number
 * of partitions is fixed for the life of the data: a petition's partition is its id modulo that
 * number.
 */
public final class SigningKeys {
  public static final String WRITER_GROUP = "writers";
  private static final String PREFIX = "sg:";
  private final int partitions;

  public SigningKeys(int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1");
    }
    this.partitions = partitions;
  }

  public int partitions() {
    return partitions;
  }

  public int partitionOf(long petitionId) {
    return (int) Math.floorMod(petitionId, (long) partitions);
  }

  private static String tag(int partition) {
    return PREFIX + "{p" + partition + "}:";
  }

  /** Hash of a petition's signing state: status, closesAt, paused, territory, threshold, count. */
  public String petition(long petitionId) {
    return tag(partitionOf(petitionId)) + "petition:" + petitionId;
  }

  /** Hash of a petition's signers: signer key to receipt. */
  public String signers(long petitionId) {
    return tag(partitionOf(petitionId)) + "signers:" + petitionId;
  }

  /** The stream of accepted signatures of a partition, drained by the batch writers. */
  public String stream(int partition) {
    return tag(partition) + "signatures";
  }

  /** Entries the writer could not read, kept for an operator. */
  public String deadLetters(int partition) {
    return tag(partition) + "dead-letters";
  }

  /** Present while the whole gateway's signing is paused (one copy per partition). */
  public String paused(int partition) {
    return tag(partition) + "paused";
  }

  /**
   * Present once a complete signing state was loaded into this Redis from PostgreSQL (a rebuild
   * finished). Its absence means Redis lost its data or never had any: the state must be rebuilt.
   * It carries no hash tag: it is read and written alone, never by a script.
   */
  public String loadedMarker() {
    return PREFIX + "meta";
  }

  /** Receipts start with the partition, since stream entry ids are unique per stream only. */
  public String receiptPrefix(int partition) {
    return "p" + partition + "-";
  }
}
