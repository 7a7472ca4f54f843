package ua.epetitions.gateway.http;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import ua.epetitions.gateway.ops.GatewayMeters.Drift;
import ua.epetitions.gateway.signing.RebuildReport;
import ua.epetitions.gateway.signing.ReconcileReport;
import ua.epetitions.gateway.signing.SigningJob;

/** The JSON of a rebuild or reconciliation job and of its report. */
final class SigningJobJson {
  private SigningJobJson() {}

  static JsonObject of(SigningJob job) {
    JsonObject json =
        new JsonObject()
            .put("id", job.id())
            .put("kind", kind(job))
            .put("scope", job.scope())
            .put("trigger", job.trigger())
            .put("startedAt", job.startedAt().toString())
            .put("state", state(job));
    job.report().ifPresent(report -> json.put("report", report(report)));
    job.failure().ifPresent(failure -> json.put("failure", String.valueOf(failure.getMessage())));
    return json;
  }

  static String kind(SigningJob job) {
    return job.kind().name().toLowerCase(Locale.ROOT);
  }

  private static String state(SigningJob job) {
    if (!job.done().isComplete()) {
      return "running";
    }
    return job.done().succeeded() ? "finished" : "failed";
  }

  private static JsonObject report(SigningJob.Report report) {
    if (report instanceof RebuildReport rebuild) {
      return new JsonObject()
          .put("petitionsRebuilt", rebuild.petitionsRebuilt())
          .put("petitionsMirrored", rebuild.petitionsMirrored())
          .put("signersRestored", rebuild.signersRestored())
          .put("durationMs", rebuild.durationMs())
          .put("finishedAt", rebuild.finishedAt().toString());
    }
    ReconcileReport reconcile = (ReconcileReport) report;
    JsonObject drift = new JsonObject();
    for (Drift kind : Drift.values()) {
      long petitions = reconcile.petitionsRepaired().getOrDefault(kind, 0L);
      drift.put(
          kind.tag(),
          new JsonObject()
              .put("found", petitions)
              .put("repaired", petitions)
              .put("signatures", reconcile.driftSignatures().getOrDefault(kind, 0L)));
    }
    return new JsonObject()
        .put("petitionsChecked", reconcile.petitionsChecked())
        .put("petitionsSkipped", reconcile.petitionsSkipped())
        .put("drift", drift)
        .put("liveCountTotal", reconcile.liveCountTotal())
        .put("persistedCountTotal", reconcile.persistedCountTotal())
        .put("streamEntries", reconcile.streamEntries())
        .put("durationMs", reconcile.durationMs())
        .put("finishedAt", reconcile.finishedAt().toString());
  }
}
