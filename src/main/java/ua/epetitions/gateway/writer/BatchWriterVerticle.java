package ua.epetitions.gateway.writer;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ua.epetitions.gateway.config.GatewayConfig;
import ua.epetitions.gateway.ops.GatewayMeters;
import ua.epetitions.gateway.petition.PetitionMirror;
import ua.epetitions.gateway.signing.RedisCommands;
import ua.epetitions.gateway.signing.RedisScripts;
import ua.epetitions.gateway.signing.RedisScripts.Script;
import ua.epetitions.gateway.signing.SigningKeys;
import ua.epetitions.gateway.writer.SignatureBatchStore.PetitionProgress;
import ua.epetitions.gateway.writer.StreamEntries.Batch;
import ua.epetitions.gateway.writer.StreamEntries.DeadLetter;

/**
 * Drains the signature streams into PostgreSQL, one consumer per partition in the group shared by
 * every gateway instance. A batch is read (up to {@code batchSize}, waiting at most {@code
 * flushIntervalMs} to fill it), stored in one transaction, then acknowledged and deleted in one
 * round trip. A failed batch is kept and retried with capped backoff; entries left pending by a
 * consumer that died are claimed on start and every {@code claimIntervalMs}. When Redis lost the
 * stream and its group (a flush, a failover to an empty replica) the group is created again.
 */
public final class BatchWriterVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(BatchWriterVerticle.class);
  private static final long FIRST_BACKOFF_MS = 100;
  private static final long REDIS_REPLY_GRACE_MS = 5_000;

  private final GatewayConfig.Writer settings;
  private final RedisOptions redisOptions;
  private final SigningKeys keys;
  private final SignatureBatchStore store;
  private final PetitionMirror mirror;
  private final GatewayMeters meters;
  private final String consumer;
  private final List<PartitionWriter> writers = new ArrayList<>();
  private Redis redis;
  private RedisScripts scripts;
  // Read and written on this verticle's event loop only.
  private boolean stopping;

  public BatchWriterVerticle(
      GatewayConfig.Writer settings,
      RedisOptions redisOptions,
      SigningKeys keys,
      Pool pool,
      PetitionMirror mirror,
      GatewayMeters meters) {
    this.settings = settings;
    this.redisOptions = new RedisOptions(redisOptions).setMaxPoolSize(keys.partitions() + 2);
    this.keys = keys;
    this.store = new SignatureBatchStore(pool);
    this.mirror = mirror;
    this.meters = meters;
    this.consumer = consumerName();
  }

  @Override
  public Future<?> start() {
    redis = Redis.createClient(vertx, redisOptions);
    scripts = new RedisScripts(RedisCommands.pooled(redis));
    for (int partition = 0; partition < keys.partitions(); partition++) {
      PartitionWriter writer = new PartitionWriter(partition);
      writers.add(writer);
      writer.next();
    }
    log.info(
        "writer: started consumer={} partitions={} batchSize={} flushIntervalMs={}",
        consumer,
        keys.partitions(),
        settings.batchSize(),
        settings.flushIntervalMs());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    writers.forEach(PartitionWriter::closeConnection);
    redis.close();
    return Future.succeededFuture();
  }

  public String consumer() {
    return consumer;
  }

  private static String consumerName() {
    String runtime = ManagementFactory.getRuntimeMXBean().getName();
    return runtime + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The consumer of one partition's stream; all its state belongs to the event loop. */
  private final class PartitionWriter {
    private final int partition;
    private final String stream;
    private final String receiptPrefix;
    private RedisConnection connection;
    private Batch unstored;
    private long nextClaimAtMs;
    private int failures;
    // Set when the group was created again after a read found it gone; a second loss in a row is
    // a failure that backs off rather than a loop of creations.
    private boolean groupRecreated;

    PartitionWriter(int partition) {
      this.partition = partition;
      this.stream = keys.stream(partition);
      this.receiptPrefix = keys.receiptPrefix(partition);
    }

    void next() {
      if (stopping) {
        return;
      }
      step()
          .onSuccess(v -> groupRecreated = false)
          .recover(this::recreateLostGroup)
          .onSuccess(
              v -> {
                if (failures > 0) {
                  log.info("writer: partition={} recovered after failures={}", partition, failures);
                }
                failures = 0;
                next();
              })
          .onFailure(this::retryLater);
    }

    private Future<Void> step() {
      if (unstored != null) {
        return flush(unstored);
      }
      return connection()
          .compose(
              c -> {
                if (System.currentTimeMillis() >= nextClaimAtMs) {
                  return claim(c).compose(this::flush);
                }
                return read(c, settings.batchSize(), true).compose(this::fill).compose(this::flush);
              });
    }

    private Future<RedisConnection> connection() {
      if (connection != null) {
        return Future.succeededFuture(connection);
      }
      return redis
          .connect()
          .compose(
              c -> {
                connection = c;
                c.exceptionHandler(e -> closeConnection());
                return ensureGroup(c).map(c);
              });
    }

    /** A read that found the stream or its group gone (NOGROUP): Redis lost its data. */
    private Future<Void> recreateLostGroup(Throwable failure) {
      String message = String.valueOf(failure.getMessage());
      boolean groupLost = message.startsWith("NOGROUP") || message.startsWith("UNBLOCKED");
      if (!groupLost || groupRecreated || stopping) {
        return Future.failedFuture(failure);
      }
      groupRecreated = true;
      log.warn(
          "writer: consumer group {} of stream {} is gone (Redis lost its data?); creating it"
              + " again partition={}",
          SigningKeys.WRITER_GROUP,
          stream,
          partition);
      return connection().compose(this::ensureGroup);
    }

    private Future<Void> ensureGroup(RedisConnection c) {
      Request create =
          Request.cmd(Command.XGROUP)
              .arg("CREATE")
              .arg(stream)
              .arg(SigningKeys.WRITER_GROUP)
              .arg("0")
              .arg("MKSTREAM");
      return c.send(create)
          .<Void>mapEmpty()
          .recover(
              failure ->
                  String.valueOf(failure.getMessage()).startsWith("BUSYGROUP")
                      ? Future.succeededFuture()
                      : Future.failedFuture(failure));
    }

    /** Reads up to {@code count} new entries, blocking up to idleBlockMs when asked to. */
    private Future<Batch> read(RedisConnection c, int count, boolean block) {
      Request request =
          Request.cmd(Command.XREADGROUP)
              .arg("GROUP")
              .arg(SigningKeys.WRITER_GROUP)
              .arg(consumer)
              .arg("COUNT")
              .arg(count);
      if (block) {
        request.arg("BLOCK").arg(settings.idleBlockMs());
      }
      request.arg("STREAMS").arg(stream).arg(">");
      long replyWithinMs = (block ? settings.idleBlockMs() : 0) + REDIS_REPLY_GRACE_MS;
      return c.send(request)
          .timeout(replyWithinMs, TimeUnit.MILLISECONDS)
          .map(reply -> StreamEntries.fromRead(reply, receiptPrefix));
    }

    /** A short first read waits up to the flush interval for more entries. */
    private Future<Batch> fill(Batch first) {
      if (first.isEmpty() || first.size() >= settings.batchSize()) {
        return Future.succeededFuture(first);
      }
      return vertx
          .timer(settings.flushIntervalMs(), TimeUnit.MILLISECONDS)
          .compose(t -> connection())
          .compose(c -> read(c, settings.batchSize() - first.size(), false))
          .map(
              more -> {
                first.addAll(more);
                return first;
              });
    }

    private Future<Batch> claim(RedisConnection c) {
      Request request =
          Request.cmd(Command.XAUTOCLAIM)
              .arg(stream)
              .arg(SigningKeys.WRITER_GROUP)
              .arg(consumer)
              .arg(settings.claimMinIdleMs())
              .arg("0-0")
              .arg("COUNT")
              .arg(settings.batchSize());
      return c.send(request)
          .timeout(REDIS_REPLY_GRACE_MS, TimeUnit.MILLISECONDS)
          .map(
              reply -> {
                Batch claimed = StreamEntries.fromClaim(reply, receiptPrefix);
                boolean more = claimed.size() >= settings.batchSize();
                nextClaimAtMs =
                    System.currentTimeMillis() + (more ? 0 : settings.claimIntervalMs());
                if (!claimed.isEmpty()) {
                  meters.claimed(claimed.size());
                  log.info(
                      "writer: claimed entries={} partition={} from consumers that stopped",
                      claimed.size(),
                      partition);
                }
                return claimed;
              });
    }

    private Future<Void> flush(Batch batch) {
      if (batch.isEmpty()) {
        return Future.succeededFuture();
      }
      unstored = batch;
      long startedNs = System.nanoTime();
      Future<List<PetitionProgress>> stored =
          batch.rows().isEmpty() ? Future.succeededFuture(List.of()) : store.write(batch.rows());
      return stored
          .compose(progress -> deadLetter(batch.deadLetters()).map(progress))
          .compose(progress -> acknowledge(batch.entryIds()).map(progress))
          .map(
              progress -> {
                unstored = null;
                long added = progress.stream().mapToLong(PetitionProgress::added).sum();
                meters.batchStored(batch.size(), added, System.nanoTime() - startedNs);
                progress.stream()
                    .filter(PetitionProgress::reachedThreshold)
                    .forEach(this::thresholdReached);
                return null;
              });
    }

    private void thresholdReached(PetitionProgress progress) {
      log.info("writer: threshold reached petitionId={}", progress.petitionId());
      mirror.petitionChanged(progress.petitionId());
    }

    private Future<Void> deadLetter(List<DeadLetter> deadLetters) {
      if (deadLetters.isEmpty()) {
        return Future.succeededFuture();
      }
      List<Request> requests = new ArrayList<>();
      for (DeadLetter dead : deadLetters) {
        Request add =
            Request.cmd(Command.XADD)
                .arg(keys.deadLetters(partition))
                .arg("*")
                .arg("entry")
                .arg(dead.entryId())
                .arg("reason")
                .arg(dead.reason());
        dead.fields()
            .forEach((name, value) -> add.arg("f:" + name).arg(value == null ? "" : value));
        requests.add(add);
      }
      meters.deadLettered(deadLetters.size());
      log.warn(
          "writer: dead-lettered entries={} partition={} into {}; inspect them with XRANGE",
          deadLetters.size(),
          partition,
          keys.deadLetters(partition));
      return redis.batch(requests).mapEmpty();
    }

    private Future<Void> acknowledge(List<String> entryIds) {
      List<String> args = new ArrayList<>(entryIds.size() + 1);
      args.add(SigningKeys.WRITER_GROUP);
      args.addAll(entryIds);
      return scripts.run(Script.ACK, List.of(stream), args).mapEmpty();
    }

    private void retryLater(Throwable failure) {
      if (stopping) {
        // stop() closed the connection under a pending read: not a failure, and nothing to retry.
        return;
      }
      failures++;
      meters.writerFailed(unstored != null);
      long delayMs =
          Math.min(settings.maxBackoffMs(), FIRST_BACKOFF_MS << Math.min(failures - 1, 16));
      log.warn(
          "writer: partition={} failed attempt={} unstoredEntries={}, retrying in {} ms: {}",
          partition,
          failures,
          unstored == null ? 0 : unstored.size(),
          delayMs,
          failure.toString());
      // A fresh connection also re-creates the group, should Redis have lost it.
      closeConnection();
      vertx.setTimer(delayMs, t -> next());
    }

    void closeConnection() {
      if (connection != null) {
        connection.close();
        connection = null;
      }
    }
  }
}
