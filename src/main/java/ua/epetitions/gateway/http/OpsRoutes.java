package ua.epetitions.gateway.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.stream.Collectors;
import ua.epetitions.gateway.ops.HealthChecks;

/** Liveness and readiness for load balancers and operators. */
final class OpsRoutes {
  private final HealthChecks health;

  OpsRoutes(HealthChecks health) {
    this.health = health;
  }

  void live(RoutingContext ctx) {
    ctx.response().putHeader("Cache-Control", "no-store");
    Responses.ok(ctx, new JsonObject().put("status", HealthChecks.UP));
  }

  void ready(RoutingContext ctx) {
    health
        .run()
        .map(HealthChecks.HealthReport::checks)
        .onSuccess(
            checks -> {
              ctx.response().putHeader("Cache-Control", "no-store");
              JsonObject named = new JsonObject();
              checks.forEach(named::put);
              String failing =
                  checks.entrySet().stream()
                      .filter(check -> !HealthChecks.UP.equals(check.getValue()))
                      .map(Map.Entry::getKey)
                      .collect(Collectors.joining(", "));
              if (failing.isEmpty()) {
                Responses.ok(
                    ctx, new JsonObject().put("status", HealthChecks.UP).put("checks", named));
              } else {
                FailureHandler.send(
                    ctx,
                    Problem.of("not-ready", "The gateway is not ready", 503, "failing: " + failing)
                        .with("health", "DOWN")
                        .with("checks", named));
              }
            })
        .onFailure(ctx::fail);
  }
}
