package ua.epetitions.gateway.testing;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests no well-behaved client sends: repeated or oversized
 * headers, bodies that are not what their headers say, chunked bodies. Blocking: call it from a
 * test thread, never from an event loop.
 */
public final class RawHttp {
  private static final String CRLF = "\r\n";
  private static final int CHUNK_BYTES = 1024;
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

  private RawHttp() {}

  /** A request as bytes go on the wire; {@code contentLength} null computes it from the body. */
  public record Request(
      String method,
      String path,
      List<Map.Entry<String, String>> headers,
      byte[] body,
      boolean chunked,
      Long contentLength) {

    byte[] head() {
      StringBuilder head = new StringBuilder();
      head.append(method).append(' ').append(path).append(" HTTP/1.1").append(CRLF);
      head.append("Host: 127.0.0.1").append(CRLF);
      head.append("Connection: close").append(CRLF);
      for (Map.Entry<String, String> header : headers) {
        head.append(header.getKey()).append(": ").append(header.getValue()).append(CRLF);
      }
      if (chunked) {
        head.append("Transfer-Encoding: chunked").append(CRLF);
      } else if (contentLength != null) {
        head.append("Content-Length: ").append(contentLength).append(CRLF);
      } else if (body.length > 0) {
        head.append("Content-Length: ").append(body.length).append(CRLF);
      }
      head.append(CRLF);
      return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
  }

  /** An answer: status 0 when the server closed the connection without one. */
  public record Response(int status, Map<String, String> headers, byte[] body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public JsonObject json() {
      return new JsonObject(bodyText());
    }
  }

  /**
   * Sends the request on a new connection and reads the answer until the server closes it. The body
   * is written from a second thread, so an answer given before the body is all read (413) is still
   * seen.
   */
  public static Response send(int port, Request request) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(request.head());
      out.flush();
      Thread writer = new Thread(() -> writeBody(out, request), "raw-http-body");
      writer.setDaemon(true);
      writer.start();
      Response response = read(socket.getInputStream());
      writer.join(READ_TIMEOUT.toMillis());
      return response;
    } catch (IOException e) {
      throw new IllegalStateException("raw HTTP exchange failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void writeBody(OutputStream out, Request request) {
    try {
      byte[] body = request.body();
      if (!request.chunked()) {
        out.write(body);
      } else {
        for (int at = 0; at < body.length; at += CHUNK_BYTES) {
          int length = Math.min(CHUNK_BYTES, body.length - at);
          out.write((Integer.toHexString(length) + CRLF).getBytes(StandardCharsets.US_ASCII));
          out.write(body, at, length);
          out.write(CRLF.getBytes(StandardCharsets.US_ASCII));
        }
        out.write(("0" + CRLF + CRLF).getBytes(StandardCharsets.US_ASCII));
      }
      out.flush();
    } catch (IOException e) {
      // The server answered and closed before reading the whole body; the answer is what counts.
    }
  }

  /** Reads everything until the server closes, then parses one HTTP/1.1 answer from it. */
  public static Response read(InputStream in) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        received.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new IllegalStateException("the server neither answered nor closed in time", e);
    } catch (IOException e) {
      // A reset after the answer: parse what arrived.
    }
    return parse(received.toByteArray());
  }

  static Response parse(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int headEnd = text.indexOf(CRLF + CRLF);
    if (raw.length == 0 || headEnd < 0) {
      return new Response(0, Map.of(), raw);
    }
    String[] lines = text.substring(0, headEnd).split(CRLF);
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    byte[] rest = java.util.Arrays.copyOfRange(raw, headEnd + 4, raw.length);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      rest = dechunk(rest);
    } else if (headers.containsKey("content-length")) {
      int length = Integer.parseInt(headers.get("content-length"));
      rest = java.util.Arrays.copyOf(rest, Math.min(length, rest.length));
    }
    return new Response(status, headers, rest);
  }

  private static byte[] dechunk(byte[] chunked) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    String text = new String(chunked, StandardCharsets.ISO_8859_1);
    int at = 0;
    while (at < text.length()) {
      int lineEnd = text.indexOf(CRLF, at);
      if (lineEnd < 0) {
        break;
      }
      int length = Integer.parseInt(text.substring(at, lineEnd).split(";")[0].trim(), 16);
      if (length == 0) {
        break;
      }
      body.write(chunked, lineEnd + 2, length);
      at = lineEnd + 2 + length + 2;
    }
    return body.toByteArray();
  }

  /** Headers in order, repeats allowed: {@code headers("A", "1", "A", "2")}. */
  public static List<Map.Entry<String, String>> headers(String... namesAndValues) {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.add(Map.entry(namesAndValues[i], namesAndValues[i + 1]));
    }
    return headers;
  }
}
