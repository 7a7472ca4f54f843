package ua.epetitions.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import ua.epetitions.gateway.ops.GatewayMeters;
import ua.epetitions.gateway.testing.Eventually;
import ua.epetitions.gateway.testing.RawHttp;
import ua.epetitions.gateway.testing.TestGateway;

/**
 * Slow clients and connection limits, with raw sockets from the test thread: a request's headers
 * and body must arrive within their bounds, and connections past a limit are closed at once.
 */
@DisplayName("Slow clients and connection limits")
class SlowClientsAndConnectionsTest {
  private static final long HEADER_TIMEOUT_MS = 1000;
  private static final long BODY_TIMEOUT_MS = 1000;
  private static final int MAX_CONNECTIONS = 3;
  private static final int MAX_PER_ADDRESS = 2;

  /** Generous: the sweep runs every 200 ms here, the machine may be busy. */
  private static final Duration CLOSE_PATIENCE = Duration.ofSeconds(10);

  private static TestGateway slow;
  private static TestGateway perAddress;

  @BeforeAll
  static void start() {
    slow =
        TestGateway.start(
            Map.of(
                "GATEWAY_HTTP_INSTANCES", "1",
                "GATEWAY_HTTP_REQUEST_HEADER_TIMEOUT_MS", Long.toString(HEADER_TIMEOUT_MS),
                "GATEWAY_HTTP_REQUEST_BODY_TIMEOUT_MS", Long.toString(BODY_TIMEOUT_MS),
                "GATEWAY_HTTP_MAX_CONNECTIONS", Integer.toString(MAX_CONNECTIONS),
                "GATEWAY_HTTP_MAX_CONNECTIONS_PER_ADDRESS", Integer.toString(MAX_CONNECTIONS)));
    perAddress =
        TestGateway.startOn(
            slow.databaseUrl(),
            Map.of(
                "GATEWAY_HTTP_INSTANCES", "1",
                "GATEWAY_HTTP_MAX_CONNECTIONS", "100",
                "GATEWAY_HTTP_MAX_CONNECTIONS_PER_ADDRESS", Integer.toString(MAX_PER_ADDRESS)));
  }

  @AfterAll
  static void stop() {
    perAddress.close();
    slow.close();
  }

  @Test
  @DisplayName("a client that sends half a request line and stalls is disconnected in time")
  void stalledHeadersAreCut() throws IOException {
    GatewayMeters meters = slow.gateway().services().meters();
    double before = meters.requestsTimedOut(ConnectionGuard.PHASE_HEADERS);
    awaitFreeSlots(slow);

    try (Socket socket = connect(slow)) {
      socket.getOutputStream().write(ascii("POST /api/v1/petitions/1/signa"));
      long startedNs = System.nanoTime();

      assertThat(readUntilClosed(socket.getInputStream())).isEmpty();
      assertThat(elapsedMs(startedNs)).isGreaterThanOrEqualTo(HEADER_TIMEOUT_MS - 50);
    }
    assertThat(meters.requestsTimedOut(ConnectionGuard.PHASE_HEADERS)).isGreaterThan(before);
  }

  @Test
  @DisplayName("a client that trickles header lines slower than the bound is disconnected")
  void trickledHeadersAreCut() throws Exception {
    awaitFreeSlots(slow);
    try (Socket socket = connect(slow)) {
      OutputStream out = socket.getOutputStream();
      out.write(ascii("GET /health/live HTTP/1.1\r\nHost: x\r\n"));
      long startedNs = System.nanoTime();
      boolean closed = false;
      for (int line = 0; line < 40 && !closed; line++) {
        Thread.sleep(100);
        try {
          out.write(ascii("X-Slow-" + line + ": 1\r\n"));
          out.flush();
        } catch (SocketException e) {
          closed = true;
        }
      }

      assertThat(closed || readUntilClosed(socket.getInputStream()).isEmpty()).isTrue();
      assertThat(elapsedMs(startedNs)).isLessThan(CLOSE_PATIENCE.toMillis());
    }
  }

  @Test
  @DisplayName("a body that stalls after its headers is answered 408 and the connection closed")
  void stalledBodyGets408() throws IOException {
    GatewayMeters meters = slow.gateway().services().meters();
    double before = meters.requestsTimedOut(ConnectionGuard.PHASE_BODY);
    awaitFreeSlots(slow);

    try (Socket socket = connect(slow)) {
      socket
          .getOutputStream()
          .write(
              ascii(
                  "POST /api/v1/petitions/1/signatures HTTP/1.1\r\nHost: x\r\n"
                      + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                      + "{\"consent\":"));

      RawHttp.Response response = RawHttp.read(socket.getInputStream());

      assertThat(response.status()).as(response.bodyText()).isEqualTo(408);
      assertThat(response.header("Content-Type")).isEqualTo(Problem.MEDIA_TYPE);
      assertThat(response.json().getString("type")).isEqualTo("/problems/request-timeout");
    }
    assertThat(meters.requestsTimedOut(ConnectionGuard.PHASE_BODY)).isGreaterThan(before);
  }

  @Test
  @DisplayName("a prompt client on a kept-alive connection is served request after request")
  void promptClientIsServed() throws IOException {
    awaitFreeSlots(slow);
    try (Socket socket = connect(slow)) {
      OutputStream out = socket.getOutputStream();
      for (int i = 0; i < 3; i++) {
        out.write(ascii("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"));
        out.flush();
        assertThat(readStatusLine(socket.getInputStream())).contains(" 200 ");
        drainAvailable(socket.getInputStream());
      }
    }
  }

  @Test
  @DisplayName("the connection past http.maxConnections is closed at once and counted")
  void connectionPastTotalLimitIsRefused() throws IOException {
    GatewayMeters meters = slow.gateway().services().meters();
    double before = meters.connectionsRefused("total");
    awaitFreeSlots(slow);
    List<Socket> admitted = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_CONNECTIONS; i++) {
        admitted.add(connect(slow));
      }
      Eventually.within(
          CLOSE_PATIENCE,
          () -> {
            try (Socket extra = connect(slow)) {
              assertThat(readUntilClosed(extra.getInputStream())).isEmpty();
            } catch (IOException e) {
              throw new AssertionError(e);
            }
            assertThat(meters.connectionsRefused("total")).isGreaterThan(before);
          });

      admitted
          .get(0)
          .getOutputStream()
          .write(ascii("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"));
      assertThat(readStatusLine(admitted.get(0).getInputStream())).contains(" 200 ");
    } finally {
      for (Socket socket : admitted) {
        socket.close();
      }
    }
  }

  @Test
  @DisplayName("a client address past http.maxConnectionsPerAddress is refused, counted apart")
  void connectionPastAddressLimitIsRefused() throws IOException {
    GatewayMeters meters = perAddress.gateway().services().meters();
    double before = meters.connectionsRefused("address");
    List<Socket> admitted = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_PER_ADDRESS; i++) {
        admitted.add(connect(perAddress));
      }
      try (Socket extra = connect(perAddress)) {
        assertThat(readUntilClosed(extra.getInputStream())).isEmpty();
      }

      assertThat(meters.connectionsRefused("address")).isGreaterThan(before);
      assertThat(meters.connectionsRefused("total")).isZero();
    } finally {
      for (Socket socket : admitted) {
        socket.close();
      }
    }
  }

  /** Waits until the slow gateway serves a request: connections of an earlier test are gone. */
  private static void awaitFreeSlots(TestGateway gw) {
    Eventually.within(
        CLOSE_PATIENCE,
        () -> {
          List<Socket> probes = new ArrayList<>();
          try {
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
              Socket probe = connect(gw);
              probes.add(probe);
            }
            Socket last = probes.get(probes.size() - 1);
            last.getOutputStream().write(ascii("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"));
            assertThat(readStatusLine(last.getInputStream())).contains(" 200 ");
          } catch (IOException e) {
            throw new AssertionError(e);
          } finally {
            probes.forEach(SlowClientsAndConnectionsTest::closeQuietly);
          }
        });
    // The probes' closes reach the server's event loop a moment later.
    sleepMs(300);
  }

  private static Socket connect(TestGateway gw) throws IOException {
    Socket socket = new Socket("127.0.0.1", gw.gateway().httpPort());
    socket.setSoTimeout((int) CLOSE_PATIENCE.toMillis());
    return socket;
  }

  /** Reads until the server closes the connection; answers what arrived. */
  private static String readUntilClosed(InputStream in) throws IOException {
    StringBuilder received = new StringBuilder();
    byte[] buffer = new byte[1024];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        received.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
      }
    } catch (SocketException reset) {
      // Closed with a reset: as closed as it gets.
    }
    return received.toString();
  }

  private static String readStatusLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
      line.append((char) c);
    }
    return line.toString();
  }

  private static void drainAvailable(InputStream in) throws IOException {
    sleepMs(50);
    in.skip(in.available());
  }

  private static long elapsedMs(long startedNs) {
    return (System.nanoTime() - startedNs) / 1_000_000;
  }

  private static void sleepMs(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Nothing to do: the probe is finished either way.
    }
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
