import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import ua.epetitions.gateway.Gateway;
import ua.epetitions.gateway.config.ConfigLoader;
import ua.epetitions.gateway.config.GatewayConfig;
import ua.epetitions.gateway.identity.DevIdentityIssuer;
import ua.epetitions.gateway.identity.TokenMinting;

/**
 * Mints several token files in one JVM with the gateway's own minting code (the code behind {@code
 * mint-tokens}), one file per line of a plan, so that a scenario needing a pool of citizens per
 * council does not start a JVM per council. Runs as a single-file program on the gateway jar's
 * class path, with GATEWAY_DATA_DIR naming the gateway's data directory:
 *
 * <pre>java -cp signing-gateway.jar tools/MintTokens.java PLAN_FILE</pre>
 *
 * Each plan line: {@code OUT_FILE COUNT SUBJECT_PREFIX [TERRITORY]}; TERRITORY "-" or absent for a
 * citizen without a territorial code.
 */
public class MintTokens {

  private static final Duration TTL = Duration.ofHours(6);

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: MintTokens PLAN_FILE (lines: OUT_FILE COUNT PREFIX [TERRITORY])");
      System.exit(2);
    }
    GatewayConfig config = new ConfigLoader().load(Optional.empty(), System.getenv());
    DevIdentityIssuer issuer = Gateway.devIssuer(config);
    List<String> plan = Files.readAllLines(Path.of(args[0]));
    long startedNs = System.nanoTime();
    long total = 0;
    for (String line : plan) {
      if (line.isBlank()) {
        continue;
      }
      String[] fields = line.trim().split("\\s+");
      if (fields.length < 3) {
        throw new IllegalArgumentException("plan line '" + line + "' needs OUT COUNT PREFIX");
      }
      int count = Integer.parseInt(fields[1]);
      String territory = fields.length > 3 && !fields[3].equals("-") ? fields[3] : null;
      TokenMinting.mint(issuer, count, fields[2], territory, TTL, Path.of(fields[0]));
      total += count;
    }
    double seconds = (System.nanoTime() - startedNs) / 1e9;
    System.err.printf(
        "minted %d tokens into %d files in %.1f s (%.0f per second)%n",
        total, plan.stream().filter(l -> !l.isBlank()).count(), seconds, total / seconds);
  }
}
