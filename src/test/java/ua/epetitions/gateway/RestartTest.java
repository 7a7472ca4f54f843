package ua.epetitions.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import ua.epetitions.gateway.config.ConfigLoader;
import ua.epetitions.gateway.config.GatewayConfig;
import ua.epetitions.gateway.embedded.FreePorts;
import ua.epetitions.gateway.testing.ChildGateway;
import ua.epetitions.gateway.testing.Fixtures;

/**
 * The product's own embedded mode, durable servers included: data survives a clean stop and a hard
 * kill of the gateway process, whose orphaned servers the next start must stop.
 */
@DisplayName("Embedded mode across restarts")
class RestartTest {
  private static final String ADMIN_TOKEN = "restart-admin-token-0123456789abcdef";
  private static final Duration STARTUP = Duration.ofSeconds(120);
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  @DisplayName("a clean stop and start keeps demo data and everything created")
  void cleanRestartKeepsData() throws Exception {
    Path dataDir = ChildGateway.newDataDir("restart-tests");
    long petitionId;
    try (Gateway gateway = Gateway.start(config(dataDir, 0))) {
      petitionId = fileAndPublish(gateway.httpPort());
    }

    try (Gateway gateway = Gateway.start(config(dataDir, 0))) {
      JsonObject petition = getJson(gateway.httpPort(), "/api/v1/petitions/" + petitionId);
      assertThat(petition.getString("status")).isEqualTo("collecting");
      assertThat(getJson(gateway.httpPort(), "/api/v1/communities/restart").getString("slug"))
          .isEqualTo("restart");
      assertThat(
              getJson(gateway.httpPort(), "/api/v1/stats")
                  .getJsonObject("totals")
                  .getLong("communities"))
          .isEqualTo(23);
    }
  }

  @Test
  @DisplayName(
      "a hard-killed gateway leaves servers running; the next start stops them and"
          + " finds every petition")
  void hardKillKeepsDataAndStopsLeftovers() throws Exception {
    Path dataDir = ChildGateway.newDataDir("restart-tests");
    int port = FreePorts.any();
    Process child = ChildGateway.start(dataDir, env(dataDir, port));
    long petitionId;
    try {
      ChildGateway.awaitReady(http, port, child, STARTUP);
      petitionId = fileAndPublish(port);
    } finally {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
    long leftoverPostgres = pidIn(dataDir.resolve("postgres/postmaster.pid"));
    assertThat(ProcessHandle.of(leftoverPostgres).map(ProcessHandle::isAlive)).contains(true);

    try (Gateway gateway = Gateway.start(config(dataDir, 0))) {
      JsonObject petition = getJson(gateway.httpPort(), "/api/v1/petitions/" + petitionId);
      assertThat(petition.getString("status")).isEqualTo("collecting");
      assertThat(ProcessHandle.of(leftoverPostgres).map(ProcessHandle::isAlive))
          .isNotEqualTo(Optional.of(true));
    }
  }

  private long fileAndPublish(int port) throws Exception {
    JsonObject community = Fixtures.communityBody("restart", false);
    assertThat(send(port, "POST", "/api/v1/admin/communities", ADMIN_TOKEN, community).statusCode())
        .isEqualTo(201);
    JsonObject token =
        new JsonObject(
            send(
                    port,
                    "POST",
                    "/dev/identity/tokens",
                    null,
                    new JsonObject().put("subject", "restart-author").put("name", "Автор"))
                .body());
    HttpResponse<String> filed =
        send(
            port,
            "POST",
            "/api/v1/communities/restart/petitions",
            token.getString("token"),
            Fixtures.petitionBody("Петиція, що має пережити перезапуск"));
    assertThat(filed.statusCode()).as(filed.body()).isEqualTo(201);
    long id = new JsonObject(filed.body()).getLong("id");
    HttpResponse<String> published =
        send(port, "POST", "/api/v1/admin/petitions/" + id + "/publish", ADMIN_TOKEN, null);
    assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
    return id;
  }

  private JsonObject getJson(int port, String path) throws Exception {
    HttpResponse<String> response = send(port, "GET", path, null, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  private HttpResponse<String> send(
      int port, String method, String path, String bearer, JsonObject body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static GatewayConfig config(Path dataDir, int port) {
    return new ConfigLoader().load(Optional.empty(), env(dataDir, port), false);
  }

  private static Map<String, String> env(Path dataDir, int port) {
    return ChildGateway.embeddedEnv(dataDir, port, 1, ADMIN_TOKEN);
  }

  private static long pidIn(Path pidFile) throws IOException {
    return Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
  }
}
