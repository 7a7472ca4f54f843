package ua.epetitions.gateway.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicInteger;
import ua.epetitions.gateway.ops.OpsVerticle;

/** Prometheus exposition and the dashboard's server-sent events feed. */
final class OpsPageRoutes {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final int MAX_VIEWERS_PER_INSTANCE = 100;
  private final PrometheusMeterRegistry registry;
  private final AtomicInteger viewers = new AtomicInteger();

  OpsPageRoutes(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  void metrics(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", PROMETHEUS_TEXT)
        .putHeader("Cache-Control", "no-store")
        .end(registry.scrape());
  }

  /**
   * One snapshot a second, the same for every viewer. A viewer that cannot keep up skips snapshots
   * rather than queueing them.
   */
  void feed(RoutingContext ctx) {
    if (viewers.incrementAndGet() > MAX_VIEWERS_PER_INSTANCE) {
      viewers.decrementAndGet();
      ctx.response().putHeader("Retry-After", "10");
      FailureHandler.send(
          ctx,
          Problem.of(
              "overloaded",
              "Too many dashboard viewers",
              503,
              "at most " + MAX_VIEWERS_PER_INSTANCE + " feeds per instance; retry later"));
      return;
    }
    HttpServerResponse response = ctx.response();
    response
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Accel-Buffering", "no");
    response.write(": snapshots every second\n\n");
    MessageConsumer<String> consumer =
        ctx.vertx()
            .eventBus()
            .localConsumer(
                OpsVerticle.SNAPSHOT_ADDRESS,
                message -> {
                  if (!response.writeQueueFull()) {
                    response.write("event: snapshot\ndata: " + message.body() + "\n\n");
                  }
                });
    response.closeHandler(
        closed -> {
          consumer.unregister();
          viewers.decrementAndGet();
        });
  }
}
