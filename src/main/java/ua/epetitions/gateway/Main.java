package ua.epetitions.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import ua.epetitions.gateway.config.ConfigException;
import ua.epetitions.gateway.config.ConfigLoader;
import ua.epetitions.gateway.config.GatewayConfig;
import ua.epetitions.gateway.identity.TokenMinting;

/**
 * Command line: {@code java -jar signing-gateway.jar [run] [--config FILE]} starts the gateway;
 * {@code mint-tokens --count N --out FILE} writes development tokens for load tests.
 */
public final class Main {
  private static final int EXIT_USAGE = 2;
  private static final int EXIT_FAILED = 1;
  private static final String LOGBACK_CONFIG_PROPERTY = "logback.configurationFile";

  private Main() {}

  public static void main(String[] args) {
    useLoggingConfigFromConfigDir();
    Optional<Path> configFile = Optional.empty();
    String command = "run";
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "run", "mint-tokens" -> command = arg;
        case "-h", "--help" -> usage(null);
        case "--config", "--count", "--out", "--territory", "--subject-prefix", "--ttl-seconds" -> {
          if (i + 1 >= args.length) {
            usage(arg + " needs a value");
          }
          options.put(arg, args[++i]);
        }
        default -> usage("unknown argument '" + arg + "'");
      }
    }
    if (options.containsKey("--config")) {
      configFile = Optional.of(Path.of(options.get("--config")));
    }
    if (command.equals("mint-tokens")) {
      mintTokens(configFile, options);
    } else {
      run(configFile);
    }
  }

  /** Operators tune logging in config/logback.xml; it must be chosen before the first logger. */
  private static void useLoggingConfigFromConfigDir() {
    Path logging = Path.of("config", "logback.xml");
    if (System.getProperty(LOGBACK_CONFIG_PROPERTY) == null && Files.isRegularFile(logging)) {
      System.setProperty(LOGBACK_CONFIG_PROPERTY, logging.toAbsolutePath().toString());
    }
  }

  private static void mintTokens(Optional<Path> configFile, Map<String, String> options) {
    GatewayConfig config = loadConfig(configFile);
    if (config.isProduction() || !config.identity().devIssuerEnabled()) {
      System.err.println("mint-tokens needs the development issuer (development mode)");
      System.exit(EXIT_USAGE);
    }
    int count = positiveInt(options.getOrDefault("--count", "1000"), "--count");
    int ttlSeconds = positiveInt(options.getOrDefault("--ttl-seconds", "86400"), "--ttl-seconds");
    Path out = Path.of(options.getOrDefault("--out", "tokens.txt"));
    String prefix = options.getOrDefault("--subject-prefix", "load-citizen-");
    String territory = options.get("--territory");
    try {
      long startedNs = System.nanoTime();
      TokenMinting.mint(
          Gateway.devIssuer(config), count, prefix, territory, Duration.ofSeconds(ttlSeconds), out);
      double seconds = (System.nanoTime() - startedNs) / 1e9;
      System.err.printf(
          "minted %d tokens in %.1f s (%.0f per second) into %s%n",
          count, seconds, count / seconds, out.toAbsolutePath());
    } catch (IOException e) {
      System.err.println("mint-tokens failed: " + e.getMessage());
      System.exit(EXIT_FAILED);
    }
  }

  private static int positiveInt(String raw, String option) {
    try {
      int value = Integer.parseInt(raw);
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // falls through to the usage message
    }
    usage(option + " must be a positive whole number");
    return 0;
  }

  private static GatewayConfig loadConfig(Optional<Path> configFile) {
    try {
      return new ConfigLoader().load(configFile, System.getenv());
    } catch (ConfigException e) {
      System.err.println("configuration error: " + e.getMessage());
      System.exit(EXIT_USAGE);
      return null;
    }
  }

  private static void run(Optional<Path> configFile) {
    GatewayConfig config = loadConfig(configFile);
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
            + "       java -jar signing-gateway.jar mint-tokens --count N --out FILE"
            + " [--territory CODE] [--subject-prefix P] [--ttl-seconds S] [--config FILE]\n"
            + "  run          start the gateway (default); settings from FILE, else"
            + " ./config/gateway.yaml when present, then GATEWAY_* environment variables\n"
            + "  mint-tokens  write N development-issuer tokens of distinct citizens, one per"
            + " line, signed with the key of the gateway on the same data directory");
    System.exit(error == null ? 0 : EXIT_USAGE);
  }
}
