package ua.epetitions.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP proxy on a loopback port for failure tests: a gateway pointed at it instead of a server
 * talks to the server as usual until {@link #cut()}, which resets every open connection and refuses
 * new ones (each is accepted and closed at once, as a crashed server's host would), and after
 * {@link #restore()} it forwards again. At most {@value #MAX_LINKS} connections are forwarded at a
 * time, two threads each; more are closed on arrival.
 */
public final class TcpProxy implements AutoCloseable {
  private static final int MAX_LINKS = 64;
  private static final int BUFFER_BYTES = 16 * 1024;
  private static final int CONNECT_TIMEOUT_MS = 5_000;

  private final String targetHost;
  private final int targetPort;
  private final ServerSocket server;
  private final ExecutorService threads;
  // Guarded by this proxy's monitor.
  private final Set<Link> links = new HashSet<>();
  // Guarded by this proxy's monitor.
  private boolean cut;
  private volatile boolean closed;

  private TcpProxy(String targetHost, int targetPort, ServerSocket server) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = server;
    this.threads =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "tcp-proxy-" + server.getLocalPort());
              thread.setDaemon(true);
              return thread;
            });
    threads.execute(this::acceptLoop);
  }

  /** A proxy on a free loopback port that forwards to {@code host:port}. */
  public static TcpProxy to(String host, int port) {
    try {
      ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      return new TcpProxy(host, port, server);
    } catch (IOException e) {
      throw new IllegalStateException("cannot open a proxy port: " + e, e);
    }
  }

  /** The loopback port clients should connect to. */
  public int port() {
    return server.getLocalPort();
  }

  /** Resets every forwarded connection and refuses new ones until {@link #restore()}. */
  public void cut() {
    List<Link> open;
    synchronized (this) {
      cut = true;
      open = new ArrayList<>(links);
      links.clear();
    }
    open.forEach(Link::reset);
  }

  /** Forwards new connections again. */
  public synchronized void restore() {
    cut = false;
  }

  /** Stops listening and closes every connection. */
  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    cut();
    threads.shutdownNow();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        // The server socket was closed: the proxy is stopping.
        return;
      }
      if (!open(client)) {
        reset(client);
      }
    }
  }

  /** Connects a client to the target and starts forwarding; false when refused. */
  private boolean open(Socket client) {
    synchronized (this) {
      if (cut || closed || links.size() >= MAX_LINKS) {
        return false;
      }
    }
    Socket upstream = new Socket();
    try {
      upstream.connect(new InetSocketAddress(targetHost, targetPort), CONNECT_TIMEOUT_MS);
    } catch (IOException e) {
      closeQuietly(upstream);
      return false;
    }
    Link link = new Link(client, upstream);
    synchronized (this) {
      // A cut() between the check above and here must not miss this connection.
      if (cut || closed) {
        link.reset();
        return true;
      }
      links.add(link);
    }
    threads.execute(() -> link.pump(client, upstream));
    threads.execute(() -> link.pump(upstream, client));
    return true;
  }

  private synchronized void forget(Link link) {
    links.remove(link);
  }

  private static void reset(Socket socket) {
    try {
      // Linger 0 makes close() send RST, so the peer sees a broken connection, not an orderly end.
      socket.setSoLinger(true, 0);
    } catch (SocketException e) {
      // Already closed: nothing to reset.
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // Closing is best effort: the socket may already be gone.
    }
  }

  /** One client connection and its connection to the target. */
  private final class Link {
    private final Socket client;
    private final Socket upstream;

    Link(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
    }

    void pump(Socket from, Socket to) {
      byte[] buffer = new byte[BUFFER_BYTES];
      try (InputStream in = from.getInputStream()) {
        OutputStream out = to.getOutputStream();
        int read;
        while ((read = in.read(buffer)) >= 0) {
          out.write(buffer, 0, read);
          out.flush();
        }
      } catch (IOException e) {
        // Either side went away, or cut() reset the link: end both directions below.
      }
      close();
    }

    void reset() {
      TcpProxy.reset(client);
      TcpProxy.reset(upstream);
    }

    private void close() {
      forget(this);
      closeQuietly(client);
      closeQuietly(upstream);
    }
  }
}
