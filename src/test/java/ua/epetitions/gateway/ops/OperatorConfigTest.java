package ua.epetitions.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import ua.epetitions.gateway.testing.Eventually;
import ua.epetitions.gateway.testing.Fixtures;
import ua.epetitions.gateway.testing.TestGateway;

/**
 * The operators' files under config/ (Prometheus scrape configuration and alert rules, the Grafana
 * dashboard) against the gateway's real {@code /metrics} exposition: every metric name their PromQL
 * uses must be one the gateway publishes, so that a renamed meter or a typo cannot leave an alert
 * silently evaluating nothing.
 */
@DisplayName("Operators' configuration: Prometheus and Grafana use metrics the gateway exposes")
class OperatorConfigTest {
  private static final Path PROMETHEUS = Path.of("config", "prometheus", "prometheus.yml");
  private static final Path ALERTS = Path.of("config", "prometheus", "alerts.yml");
  private static final Path DASHBOARD = Path.of("config", "grafana", "signing-gateway.json");
  private static final String JOB = "signing-gateway";
  private static final String METRICS_PATH = "/metrics";
  private static final String TOWN = "metrics-town";
  private static final String NAME = "Оксана Коваленко";
  private static final int ACCEPTED = 3;
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  /** Series Prometheus makes itself for every scraped target; never in a target's exposition. */
  private static final Set<String> SYNTHETIC = Set.of("up");

  /** Families the gateway exposes: its own, Vert.x's, and the JVM, process and system meters. */
  private static final List<String> PREFIXES =
      List.of("gateway_", "vertx_", "jvm_", "process_", "system_");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Pattern STRING =
      Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
  private static final Pattern COMMENT = Pattern.compile("#[^\\n]*");
  private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*]");
  private static final Pattern LABEL_LIST =
      Pattern.compile(
          "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)",
          Pattern.CASE_INSENSITIVE);
  // An identifier not part of a longer word or a Grafana variable, and not a function call.
  private static final Pattern IDENTIFIER =
      Pattern.compile("(?<![\\w:$.])[A-Za-z_:][\\w:]*(?![\\w:])(?!\\s*\\()");
  private static final Pattern JOB_MATCHER = Pattern.compile("\\bjob\\s*=~?\\s*\"([^\"]*)\"");

  private static TestGateway gw;
  private static Exposition exposition;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    Fixtures.createCommunity(gw, TOWN, false);
    long id = Fixtures.collectingPetition(gw, TOWN, "Петиція для перевірки метрик");
    String first = gw.token("metrics-signer-0", NAME, null);
    for (int i = 0; i < ACCEPTED; i++) {
      String token = i == 0 ? first : gw.token("metrics-signer-" + i, NAME, null);
      assertThat(sign(id, token).statusCode()).isEqualTo(202);
    }
    assertThat(sign(id, first).statusCode()).isEqualTo(409);
    assertThat(sign(id, "not-a-token").statusCode()).isEqualTo(401);
    // The writer has stored the batch (batch size, flush latency and rows have samples) ...
    Eventually.within(
        PATIENCE,
        () ->
            assertThat(gw.count("SELECT persisted_count FROM petitions WHERE id = " + id))
                .isEqualTo(ACCEPTED));
    // ... the once-a-second operations tick has registered every partition's stream gauges, and
    // the JVM has paused for a collection since this gateway's registry was made (Micrometer
    // registers the GC pause timer at the first pause it is told of).
    System.gc();
    Eventually.within(
        PATIENCE,
        () -> {
          exposition = scrape();
          assertThat(exposition.samples())
              .contains(
                  "gateway_stream_backlog", "gateway_stream_pending", "jvm_gc_pause_seconds_sum");
        });
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  @DisplayName("prometheus.yml scrapes the gateway's /metrics and loads alerts.yml")
  void scrapeConfigurationReadsMetrics() {
    JsonNode config = readYaml(PROMETHEUS);
    JsonNode job = null;
    for (JsonNode scrape : config.path("scrape_configs")) {
      if (JOB.equals(scrape.path("job_name").asText())) {
        job = scrape;
      }
    }
    assertThat(job).as("scrape job %s in %s", JOB, PROMETHEUS).isNotNull();
    assertThat(job.path("metrics_path").asText()).isEqualTo(METRICS_PATH);
    assertThat(job.path("static_configs").path(0).path("targets").path(0).asText())
        .isEqualTo("localhost:8080");

    List<String> ruleFiles = new ArrayList<>();
    config.path("rule_files").forEach(file -> ruleFiles.add(file.asText()));
    assertThat(ruleFiles).contains(ALERTS.getFileName().toString());
    assertThat(PROMETHEUS.resolveSibling(ALERTS.getFileName())).exists();

    HttpResponse<Buffer> response = gw.get(job.path("metrics_path").asText());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("text/plain");
  }

  @Test
  @DisplayName("every metric in the alert rules is in the gateway's exposition")
  void alertRulesUseExposedMetrics() {
    Map<String, String> expressions = alertExpressions();
    assertThat(expressions)
        .containsKeys(
            "BacklogGrowing",
            "BacklogNearLimit",
            "WriterFailing",
            "DeadLetters",
            "ErrorRate",
            "IntakeP99OverBudget",
            "ReadinessDown",
            "CountDrift",
            "ReconcileDrift",
            "ReconcileNotRunning");

    assertAllExposed(expressions);
  }

  @Test
  @DisplayName("every alert rule has a duration, a severity, a summary and a description")
  void alertRulesAreComplete() {
    for (JsonNode group : readYaml(ALERTS).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        String alert = rule.path("alert").asText();
        assertThat(rule.path("for").asText()).as("%s: for", alert).isNotBlank();
        assertThat(rule.path("labels").path("severity").asText())
            .as("%s: severity", alert)
            .isIn("warning", "critical");
        assertThat(rule.path("annotations").path("summary").asText())
            .as("%s: summary", alert)
            .isNotBlank();
        assertThat(rule.path("annotations").path("description").asText())
            .as("%s: description", alert)
            .isNotBlank();
      }
    }
  }

  @Test
  @DisplayName("every metric on the Grafana dashboard is in the gateway's exposition")
  void dashboardUsesExposedMetrics() {
    JsonNode dashboard = readJson(DASHBOARD);
    assertThat(dashboard.path("__inputs").path(0).path("name").asText()).isEqualTo("DS_PROMETHEUS");
    Map<String, String> expressions = dashboardExpressions(dashboard);
    assertThat(expressions).hasSizeGreaterThanOrEqualTo(10);

    assertAllExposed(expressions);
  }

  @Test
  @DisplayName("the job named in the expressions is the one prometheus.yml scrapes")
  void expressionsNameTheScrapeJob() {
    Map<String, String> expressions = new LinkedHashMap<>(alertExpressions());
    expressions.putAll(dashboardExpressions(readJson(DASHBOARD)));
    Set<String> jobs = new TreeSet<>();
    expressions
        .values()
        .forEach(
            expr -> JOB_MATCHER.matcher(expr).results().forEach(match -> jobs.add(match.group(1))));

    assertThat(jobs).containsExactly(JOB);
  }

  @Test
  @DisplayName("the check catches a misspelled name, a histogram suffix on a summary, and no more")
  void checkCatchesMisspelledNames() {
    String correct =
        "histogram_quantile(0.99, sum by (le) (rate(gateway_intake_latency_seconds_bucket"
            + "{instance=~\"$instance\"}[$__rate_interval]))) > 0.05";
    String misspelled =
        "sum by (outcome) (rate(gateway_signatures_totl{outcome=\"accepted\"}[5m]))";
    String notAHistogram = "histogram_quantile(0.5, rate(gateway_writer_batch_size_bucket[5m]))";
    String aggregated =
        "sum without (instance) (gateway_stream_backlog) > on (job) group_left ()"
            + " 0.8 * max(gateway_backlog_limit) or up{job=\"signing-gateway\"} == 0";

    Exposition sample =
        Exposition.parse(
            String.join(
                "\n",
                "# HELP gateway_intake_latency_seconds Signing requests",
                "# TYPE gateway_intake_latency_seconds histogram",
                "gateway_intake_latency_seconds_bucket{le=\"0.001\"} 1",
                "gateway_intake_latency_seconds_bucket{le=\"+Inf\"} 1",
                "gateway_intake_latency_seconds_count 1",
                "gateway_intake_latency_seconds_sum 0.001",
                "# TYPE gateway_writer_batch_size summary",
                "gateway_writer_batch_size{quantile=\"0.5\"} 1",
                "gateway_writer_batch_size_count 1",
                "gateway_writer_batch_size_sum 1",
                "# TYPE gateway_signatures_total counter",
                "gateway_signatures_total{outcome=\"accepted\"} 1",
                "# TYPE gateway_stream_backlog gauge",
                "gateway_stream_backlog{partition=\"0\"} 0",
                "# TYPE gateway_backlog_limit gauge",
                "gateway_backlog_limit 200000"));

    assertThat(metricNames(correct)).containsExactly("gateway_intake_latency_seconds_bucket");
    assertThat(metricNames(aggregated))
        .containsExactlyInAnyOrder("gateway_stream_backlog", "gateway_backlog_limit", "up");
    assertThat(missing(sample, correct)).isEmpty();
    assertThat(missing(sample, aggregated)).isEmpty();
    assertThat(missing(sample, misspelled)).containsExactly("gateway_signatures_totl");
    assertThat(missing(sample, notAHistogram)).containsExactly("gateway_writer_batch_size_bucket");
    assertThat(missing(exposition, misspelled)).containsExactly("gateway_signatures_totl");
  }

  private static void assertAllExposed(Map<String, String> expressions) {
    Map<String, Set<String>> unknown = new LinkedHashMap<>();
    Set<String> used = new TreeSet<>();
    expressions.forEach(
        (where, expr) -> {
          used.addAll(metricNames(expr));
          Set<String> names = missing(exposition, expr);
          if (!names.isEmpty()) {
            unknown.put(where, names);
          }
        });
    assertThat(used).as("metric names found in the expressions").isNotEmpty();
    assertThat(unknown).as("metric names not in the exposition of GET %s", METRICS_PATH).isEmpty();
  }

  /** Names of an expression that the gateway does not expose. */
  private static Set<String> missing(Exposition exposed, String expr) {
    Set<String> names = new TreeSet<>();
    for (String name : metricNames(expr)) {
      if (!exposed.has(name)) {
        names.add(name);
      }
    }
    return names;
  }

  /**
   * The metric names a PromQL expression selects: identifiers that start with one of {@link
   * #PREFIXES} or are {@code up}, outside strings, label matchers, ranges and the label lists of
   * {@code by}, {@code without}, {@code on}, {@code ignoring} and {@code group_*}; function calls
   * are skipped.
   */
  static Set<String> metricNames(String expr) {
    String text = STRING.matcher(expr).replaceAll("\"\"");
    text = COMMENT.matcher(text).replaceAll(" ");
    text = MATCHERS.matcher(text).replaceAll(" ");
    text = RANGE.matcher(text).replaceAll(" ");
    text = LABEL_LIST.matcher(text).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher identifiers = IDENTIFIER.matcher(text);
    while (identifiers.find()) {
      String name = identifiers.group();
      if (PREFIXES.stream().anyMatch(name::startsWith) || SYNTHETIC.contains(name)) {
        names.add(name);
      }
    }
    return names;
  }

  private static Map<String, String> alertExpressions() {
    Map<String, String> expressions = new LinkedHashMap<>();
    for (JsonNode group : readYaml(ALERTS).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        String name =
            rule.has("alert") ? rule.path("alert").asText() : rule.path("record").asText();
        expressions.put(name, rule.path("expr").asText());
      }
    }
    return expressions;
  }

  /** Every query of the dashboard by panel title and query id, and its variables' queries. */
  private static Map<String, String> dashboardExpressions(JsonNode dashboard) {
    Map<String, String> expressions = new LinkedHashMap<>();
    addPanelExpressions(dashboard.path("panels"), expressions);
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      JsonNode query = variable.path("query");
      String text = query.isTextual() ? query.asText() : query.path("query").asText();
      if (!text.isBlank()) {
        expressions.put("variable " + variable.path("name").asText(), text);
      }
    }
    return expressions;
  }

  private static void addPanelExpressions(JsonNode panels, Map<String, String> expressions) {
    for (JsonNode panel : panels) {
      for (JsonNode target : panel.path("targets")) {
        if (target.hasNonNull("expr")) {
          expressions.put(
              "panel \""
                  + panel.path("title").asText()
                  + "\" query "
                  + target.path("refId").asText(),
              target.path("expr").asText());
        }
      }
      addPanelExpressions(panel.path("panels"), expressions);
    }
  }

  private static HttpResponse<Buffer> sign(long petitionId, String token) {
    return gw.citizenPost(
        "/api/v1/petitions/" + petitionId + "/signatures",
        token,
        new JsonObject().put("consent", true));
  }

  private static Exposition scrape() {
    HttpResponse<Buffer> response = gw.get(METRICS_PATH);
    assertThat(response.statusCode()).isEqualTo(200);
    return Exposition.parse(response.bodyAsString());
  }

  private static JsonNode readYaml(Path path) {
    try {
      return YAML.readTree(Files.readString(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode readJson(Path path) {
    try {
      return JSON.readTree(Files.readString(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The sample names of a Prometheus text exposition, and the type of each metric family. */
  record Exposition(Set<String> samples, Map<String, String> types) {
    static Exposition parse(String text) {
      Set<String> samples = new TreeSet<>();
      Map<String, String> types = new HashMap<>();
      for (String line : text.split("\n")) {
        if (line.startsWith("# TYPE ")) {
          String[] parts = line.substring("# TYPE ".length()).trim().split("\\s+");
          types.put(parts[0], parts[1]);
        } else if (!line.isBlank() && !line.startsWith("#")) {
          int end = 0;
          while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
            end++;
          }
          samples.add(line.substring(0, end));
        }
      }
      return new Exposition(samples, types);
    }

    /**
     * Whether a name is exposed: as a sample name, as a histogram's {@code _bucket}, {@code _count}
     * or {@code _sum} (or a summary's {@code _count} or {@code _sum}) of an exposed family, or as a
     * series Prometheus adds itself.
     */
    boolean has(String name) {
      if (samples.contains(name) || SYNTHETIC.contains(name)) {
        return true;
      }
      for (String suffix : List.of("_bucket", "_count", "_sum")) {
        if (name.endsWith(suffix)) {
          String type = types.get(name.substring(0, name.length() - suffix.length()));
          return "histogram".equals(type) || ("summary".equals(type) && !suffix.equals("_bucket"));
        }
      }
      return false;
    }
  }
}
