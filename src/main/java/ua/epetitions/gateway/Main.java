package ua.epetitions.gateway;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import ua.epetitions.gateway.config.ConfigException;
import ua.epetitions.gateway.config.ConfigLoader;
import ua.epetitions.gateway.config.GatewayConfig;

/** Command line: {@code java -jar signing-gateway.jar [run] [--config FILE]}. */
public final class Main {
  private static final int EXIT_USAGE = 2;
  private static final int EXIT_FAILED = 1;

  private Main() {}

  public static void main(String[] args) {
    Optional<Path> configFile = Optional.empty();
    String command = "run";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> {
          if (i + 1 >= args.length) {
            usage("--config needs a file");
          }
          configFile = Optional.of(Path.of(args[++i]));
        }
        case "run" -> command = "run";
        case "-h", "--help" -> {
          usage(null);
        }
        default -> usage("unknown argument '" + args[i] + "'");
      }
    }
    if (command.equals("run")) {
      run(configFile);
    }
  }

  private static void run(Optional<Path> configFile) {
    GatewayConfig config;
    try {
      config = new ConfigLoader().load(configFile, System.getenv());
    } catch (ConfigException e) {
      System.err.println("configuration error: " + e.getMessage());
      System.exit(EXIT_USAGE);
      return;
    }
    Gateway gateway;
    try {
      gateway = Gateway.start(config);
    } catch (ConfigException e) {
      System.err.println("configuration error: " + e.getMessage());
      System.exit(EXIT_USAGE);
      return;
    } catch (Exception e) {
      org.slf4j.LoggerFactory.getLogger(Main.class).error("gateway: start-up failed", e);
      System.exit(EXIT_FAILED);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  gateway.close();
                  stopped.countDown();
                },
                "gateway-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void usage(String error) {
    if (error != null) {
      System.err.println(error);
    }
    System.err.println(
        "usage: java -jar signing-gateway.jar [run] [--config FILE]\n"
            + "  run      start the gateway (default); settings from FILE, else"
            + " ./config/gateway.yaml when present, then GATEWAY_* environment variables");
    System.exit(error == null ? 0 : EXIT_USAGE);
  }
}
