package ua.epetitions.gateway.embedded;

import java.io.IOException;
import java.net.ServerSocket;

/** A TCP port free on this machine now, for settings that ask for "any port" (0). */
public final class FreePorts {
  private FreePorts() {}

  public static int any() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
