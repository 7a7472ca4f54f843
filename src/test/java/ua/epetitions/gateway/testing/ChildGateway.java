package ua.epetitions.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import ua.epetitions.gateway.Main;

/**
 * A gateway in a JVM of its own, in embedded mode, for tests that kill it hard. Its output goes to
 * {@code child-gateway.log} in its data directory.
 */
public final class ChildGateway {
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

  private ChildGateway() {}

  /** A fresh data directory under {@code target/<folder>}. */
  public static Path newDataDir(String folder) throws IOException {
    return Files.createTempDirectory(
        Files.createDirectories(Path.of("target", folder)).toAbsolutePath(), "data-");
  }

  /** The settings of an embedded gateway on {@code dataDir}, listening on loopback. */
  public static Map<String, String> embeddedEnv(
      Path dataDir, int port, int instances, String adminToken) {
    Map<String, String> env = new HashMap<>();
    env.put("GATEWAY_DATA_DIR", dataDir.toString());
    env.put("GATEWAY_HTTP_PORT", Integer.toString(port));
    env.put("GATEWAY_HTTP_HOST", "127.0.0.1");
    env.put("GATEWAY_HTTP_INSTANCES", Integer.toString(instances));
    env.put("GATEWAY_ADMIN_TOKEN", adminToken);
    return env;
  }

  /** Starts {@link Main} with the test classpath and the given environment. */
  public static Process start(Path dataDir, Map<String, String> env) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            java, "-cp", System.getProperty("java.class.path"), Main.class.getName());
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    builder.redirectOutput(dataDir.resolve("child-gateway.log").toFile());
    return builder.start();
  }

  /** Waits until the child answers readiness 200, failing at once if it exits. */
  public static void awaitReady(HttpClient http, int port, Process child, Duration patience) {
    Eventually.within(
        patience,
        () -> {
          assertThat(child.isAlive()).as("child gateway exited; see its log").isTrue();
          assertThat(readiness(http, port)).isEqualTo(200);
        });
  }

  private static int readiness(HttpClient http, int port) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
              .timeout(PROBE_TIMEOUT)
              .build();
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the child gateway", e);
    }
  }
}
