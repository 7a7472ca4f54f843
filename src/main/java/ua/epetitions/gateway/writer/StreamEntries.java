package ua.epetitions.gateway.writer;

import io.vertx.redis.client.Response;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads stream replies (RESP2) into signature rows, setting aside what cannot be read. */
final class StreamEntries {
  private static final int MAX_SIGNER_KEY_CHARS = 64;
  private static final int MAX_NAME_CHARS = 200;

  private StreamEntries() {}

  /** A batch as read: rows to store, entries to dead-letter, ids of entries already gone. */
  record Batch(List<SignatureRow> rows, List<DeadLetter> deadLetters, List<String> vanished) {
    static Batch empty() {
      return new Batch(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }

    boolean isEmpty() {
      return rows.isEmpty() && deadLetters.isEmpty() && vanished.isEmpty();
    }

    int size() {
      return rows.size() + deadLetters.size() + vanished.size();
    }

    List<String> entryIds() {
      List<String> ids = new ArrayList<>(size());
      rows.forEach(row -> ids.add(row.entryId()));
      deadLetters.forEach(dead -> ids.add(dead.entryId()));
      ids.addAll(vanished);
      return ids;
    }

    void addAll(Batch other) {
      rows.addAll(other.rows);
      deadLetters.addAll(other.deadLetters);
      vanished.addAll(other.vanished);
    }
  }

  /** An entry the writer cannot store, with the reason. */
  record DeadLetter(String entryId, Map<String, String> fields, String reason) {}

  /** Entries of an XREADGROUP reply for one stream; an empty batch for a nil reply. */
  static Batch fromRead(Response reply, String receiptPrefix) {
    Batch batch = Batch.empty();
    if (reply == null || reply.size() == 0) {
      return batch;
    }
    Response streamAndEntries = reply.get(0);
    addEntries(batch, streamAndEntries.get(1), receiptPrefix);
    return batch;
  }

  /** Entries of an XAUTOCLAIM reply: [next id, entries, (Redis 7) deleted ids]. */
  static Batch fromClaim(Response reply, String receiptPrefix) {
    Batch batch = Batch.empty();
    if (reply == null || reply.size() < 2) {
      return batch;
    }
    addEntries(batch, reply.get(1), receiptPrefix);
    if (reply.size() > 2 && reply.get(2) != null) {
      reply.get(2).forEach(id -> batch.vanished().add(id.toString()));
    }
    return batch;
  }

  private static void addEntries(Batch batch, Response entries, String receiptPrefix) {
    if (entries == null) {
      return;
    }
    for (Response entry : entries) {
      if (entry == null || entry.size() < 1 || entry.get(0) == null) {
        continue;
      }
      String id = entry.get(0).toString();
      Response rawFields = entry.size() > 1 ? entry.get(1) : null;
      if (rawFields == null) {
        batch.vanished().add(id);
        continue;
      }
      Map<String, String> fields = new HashMap<>();
      for (int i = 0; i + 1 < rawFields.size(); i += 2) {
        Response value = rawFields.get(i + 1);
        fields.put(rawFields.get(i).toString(), value == null ? null : value.toString());
      }
      parse(id, fields, receiptPrefix, batch);
    }
  }

  private static void parse(String id, Map<String, String> f, String receiptPrefix, Batch batch) {
    String petition = f.get("p");
    String signerKey = f.get("k");
    String name = f.get("n");
    String signedAt = f.get("t");
    String reason = null;
    if (petition == null || !petition.matches("[1-9][0-9]{0,17}")) {
      reason = "petition id missing or malformed";
    } else if (signerKey == null
        || signerKey.isEmpty()
        || signerKey.length() > MAX_SIGNER_KEY_CHARS) {
      reason = "signer key missing or malformed";
    } else if (name == null || name.isBlank() || name.length() > MAX_NAME_CHARS) {
      reason = "display name missing or too long";
    } else if (signedAt == null || !signedAt.matches("[0-9]{1,15}")) {
      reason = "signing time missing or malformed";
    }
    if (reason != null) {
      batch.deadLetters().add(new DeadLetter(id, f, reason));
      return;
    }
    batch
        .rows()
        .add(
            new SignatureRow(
                id,
                Long.parseLong(petition),
                signerKey,
                name,
                Instant.ofEpochMilli(Long.parseLong(signedAt)).atOffset(ZoneOffset.UTC),
                receiptPrefix + id));
  }
}
