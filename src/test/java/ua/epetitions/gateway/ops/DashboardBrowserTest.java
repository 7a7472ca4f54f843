package ua.epetitions.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static ua.epetitions.gateway.http.ProblemAssertions.assertProblem;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ua.epetitions.gateway.testing.Fixtures;
import ua.epetitions.gateway.testing.TestGateway;

/**
 * The operators' dashboard in a real headless Chromium, while a background thread signs one
 * petition with new citizens: the charts, the busiest petitions, the health badges, and pausing and
 * resuming signing from the page. The tests share one page and run in order, because pausing
 * changes what the page shows. The last one saves a screenshot for the README.
 */
@DisplayName("Operators' dashboard in a browser, while citizens sign")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {
  private static final Logger log = LoggerFactory.getLogger(DashboardBrowserTest.class);
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final String INSTALL_ADVICE =
      "install both with `apt-get install -y chromium chromium-driver` (.ci/run does so)";
  private static final int WINDOW_WIDTH = 1400;
  private static final int WINDOW_HEIGHT = 1000;
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final Duration LOAD_LIMIT = Duration.ofSeconds(60);
  private static final int SCREENSHOT_SECONDS = 20;
  private static final String TOWN = "dashboard-town";
  private static final String TITLE = "Нічне освітлення парку імені Шевченка";
  private static final JsonObject CONSENT = new JsonObject().put("consent", true);
  private static final Path SCREENSHOT = Path.of("target", "ops-dashboard.png");
  private static final Path README_IMAGE = Path.of("docs", "images", "ops-dashboard.png");
  private static final AtomicInteger PROBES = new AtomicInteger();

  /** The highest value each chart's key series has drawn, read from the uPlot instances. */
  private static final String CHART_PEAKS =
      """
      const charts = window.opsDashboard.charts;
      const peak = (chart, label) => {
        const index = chart ? chart.series.findIndex((series) => series.label === label) : -1;
        if (index < 0) {
          return 0;
        }
        return Math.max(0, ...chart.data[index].filter((value) => value != null));
      };
      return {
        accepted: peak(charts.signatures, "accepted"),
        p99: peak(charts.latency, "p99"),
        writerRows: peak(charts.backlog, "writer rows"),
        batchSize: peak(charts.writer, "batch size avg"),
        flushLatency: peak(charts.writer, "flush latency"),
      };
      """;

  private static TestGateway gw;
  private static long petitionId;
  private static SigningLoad load;
  private static Path browserProfile;
  private static ChromeDriverService driverService;
  private static ChromeDriver driver;

  @BeforeAll
  static void openDashboardWhileSigning() throws IOException {
    requireExecutable(CHROMIUM, "Chromium");
    requireExecutable(CHROMEDRIVER, "ChromeDriver");

    gw = TestGateway.start();
    Fixtures.createCommunity(gw, TOWN, false);
    petitionId = Fixtures.collectingPetition(gw, TOWN, TITLE);
    load = SigningLoad.start(gw, petitionId);

    driver = startBrowser();
    driver.get("http://127.0.0.1:" + gw.gateway().httpPort() + "/ops/");
  }

  @AfterAll
  static void closeEverything() throws Exception {
    closeAll(
        () -> {
          if (driver != null) {
            driver.quit();
          }
        },
        () -> {
          if (driverService != null) {
            driverService.stop();
          }
        },
        () -> {
          if (load != null) {
            load.close();
          }
        },
        () -> {
          if (gw != null) {
            gw.close();
          }
        },
        () -> deleteRecursively(browserProfile));
  }

  @Test
  @Order(1)
  @DisplayName("the four charts draw non-zero live figures from the feed")
  void chartsDrawLiveFigures() {
    Map<String, Number> peaks =
        waitFor(
            "every chart to draw a non-zero figure",
            browser -> {
              Map<String, Number> read = chartPeaks();
              return read.values().stream().allMatch(value -> value.doubleValue() > 0)
                  ? read
                  : null;
            });

    log.info("test: dashboard chart peaks={}", peaks);
    assertThat(maxAccepted()).isPositive();
    for (String chart : List.of("signatures", "latency", "backlog", "writer")) {
      assertThat(driver.findElements(By.cssSelector("#chart-" + chart + " canvas")))
          .as("uPlot canvas of chart %s", chart)
          .hasSize(1);
    }
  }

  @Test
  @Order(2)
  @DisplayName("the busiest petitions table lists the petition being signed with its live count")
  void busiestPetitionsListThePetition() {
    List<String> cells =
        waitFor(
            "the petition in the busiest petitions table",
            browser ->
                script(
                    "const row = document.querySelector("
                        + "'#hot-petitions tr[data-petition-id=\"' + arguments[0] + '\"]');"
                        + "return row && [...row.cells].map((cell) => cell.textContent);",
                    petitionId));

    assertThat(cells).hasSize(5);
    assertThat(cells.subList(0, 3)).containsExactly(String.valueOf(petitionId), TITLE, TOWN);
    assertThat(Long.parseLong(cells.get(3).replaceAll("\\D", ""))).isPositive();
  }

  @Test
  @Order(3)
  @DisplayName("the health badges show PostgreSQL and Redis up, and the feed connected")
  void healthBadgesShowUp() {
    waitFor(
        "both health badges to say UP",
        browser ->
            "PostgreSQL UP".equals(text("health-postgres"))
                && "Redis UP".equals(text("health-redis")));

    assertThat(state("health-postgres")).isEqualTo("up");
    assertThat(state("health-redis")).isEqualTo("up");
    assertThat(state("feed-status")).isEqualTo("connected");
  }

  @Test
  @Order(4)
  @DisplayName("a wrong administrator token shows the problem's title and leaves signing open")
  void wrongTokenShowsTheProblem() {
    typeToken("not-the-administrator-token");
    driver.findElement(By.id("pause-button")).click();

    waitFor("the refusal in the pause panel", browser -> "error".equals(state("pause-result")));

    assertThat(text("pause-result"))
        .startsWith("401 Administrator credentials are required")
        .contains("not valid")
        .doesNotContain("not-the-administrator-token");
    assertThat(signOnce().statusCode()).isEqualTo(202);
  }

  @Test
  @Order(5)
  @DisplayName("pausing from the page makes signing answer 423, resuming makes it answer 202")
  void pauseAndResumeFromThePage() throws IOException {
    typeToken(TestGateway.ADMIN_TOKEN);

    driver.findElement(By.id("pause-button")).click();
    waitFor("the pause to succeed", browser -> resultSays("Signing paused for the whole gateway"));
    assertProblem(signOnce(), 423, "/problems/signing-paused");
    waitFor("the feed to show the pause", browser -> "paused".equals(state("pause-state")));

    driver.findElement(By.id("resume-button")).click();
    waitFor(
        "the resume to succeed", browser -> resultSays("Signing resumed for the whole gateway"));
    assertThat(signOnce().statusCode()).isEqualTo(202);
    waitFor(
        "the feed to show signing open and accepted again",
        browser ->
            "open".equals(state("pause-state"))
                && (Boolean) script("return window.opsDashboard.lastSnapshot.rates.accepted > 0"));
    waitFor(
        "enough seconds on the charts for a telling screenshot",
        browser -> chartSeconds() >= SCREENSHOT_SECONDS);

    String kept = script("return sessionStorage.getItem('ops.adminToken')");
    Number elsewhere = script("return localStorage.length + document.cookie.length");
    assertThat(kept).as("token in session storage").isEqualTo(TestGateway.ADMIN_TOKEN);
    assertThat(elsewhere.longValue()).as("local storage entries and cookies").isZero();
    saveScreenshot();
  }

  private static void requireExecutable(Path path, String name) {
    if (!Files.isExecutable(path)) {
      fail(name + " is missing at " + path + ": " + INSTALL_ADVICE);
    }
  }

  private static ChromeDriver startBrowser() throws IOException {
    // Never let Selenium Manager look for or download a driver: both paths are given.
    System.setProperty("SE_AVOID_STATS", "true");
    browserProfile = Files.createTempDirectory("ops-dashboard-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=" + WINDOW_WIDTH + "," + WINDOW_HEIGHT,
        "--user-data-dir=" + browserProfile);
    driverService =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(driverService, options);
  }

  /** Waits until the condition answers neither null nor false; fails with the page's state. */
  private static <T> T waitFor(String what, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, PATIENCE)
        .withMessage(() -> "waiting for " + what + "; dashboard: " + dashboardState())
        .until(condition);
  }

  private static String dashboardState() {
    return String.valueOf(
        driver.executeScript(
            "const d = window.opsDashboard;"
                + "return d ? JSON.stringify({snapshots: d.snapshots, maxAccepted: d.maxAccepted,"
                + " feed: document.getElementById('feed-status').textContent,"
                + " result: document.getElementById('pause-result').textContent,"
                + " last: d.lastSnapshot}) : 'no window.opsDashboard';"));
  }

  @SuppressWarnings("unchecked")
  private static <T> T script(String source, Object... arguments) {
    return (T) driver.executeScript(source, arguments);
  }

  private static Map<String, Number> chartPeaks() {
    return script(CHART_PEAKS);
  }

  private static int chartSeconds() {
    Number points = script("return window.opsDashboard.charts.signatures.data[0].length");
    return points.intValue();
  }

  private static double maxAccepted() {
    Number max = script("return window.opsDashboard.maxAccepted");
    return max.doubleValue();
  }

  private static String text(String id) {
    return driver.findElement(By.id(id)).getText();
  }

  private static String state(String id) {
    return driver.findElement(By.id(id)).getDomAttribute("data-state");
  }

  private static boolean resultSays(String start) {
    return "ok".equals(state("pause-result")) && text("pause-result").startsWith(start);
  }

  private static void typeToken(String token) {
    WebElement field = driver.findElement(By.id("admin-token"));
    field.clear();
    field.sendKeys(token);
  }

  private static HttpResponse<Buffer> signOnce() {
    int probe = PROBES.incrementAndGet();
    String token = gw.token("dashboard-probe-" + probe, "Перевірка " + probe, null);
    return gw.citizenPost("/api/v1/petitions/" + petitionId + "/signatures", token, CONSENT);
  }

  /** The whole page, not just the window: the window grows to the page's height first. */
  private static void saveScreenshot() throws IOException {
    Number pageHeight = script("return document.documentElement.scrollHeight");
    Number frameHeight = script("return window.outerHeight - window.innerHeight");
    int height = pageHeight.intValue() + frameHeight.intValue();
    driver.manage().window().setSize(new Dimension(WINDOW_WIDTH, Math.max(WINDOW_HEIGHT, height)));

    Files.createDirectories(SCREENSHOT.getParent());
    Files.write(SCREENSHOT, driver.getScreenshotAs(OutputType.BYTES));
    log.info("test: dashboard screenshot={}", SCREENSHOT);
    // The README's picture is refreshed only on request (-Dops.updateReadmeImage=true), so that
    // an ordinary test run leaves the working tree clean.
    if (Boolean.getBoolean("ops.updateReadmeImage")) {
      Files.createDirectories(README_IMAGE.getParent());
      Files.copy(SCREENSHOT, README_IMAGE, StandardCopyOption.REPLACE_EXISTING);
      log.info("test: README image updated copy={}", README_IMAGE);
    }
  }

  /** Runs every closer even when one fails, then rethrows the first failure. */
  private static void closeAll(AutoCloseable... closers) throws Exception {
    Exception first = null;
    for (AutoCloseable closer : closers) {
      try {
        closer.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  /**
   * Signs one petition {@value #SIGNATURES_PER_SECOND} times a second from its own thread and its
   * own keep-alive client (so that the tests' own requests do not queue behind it), each time as a
   * new citizen except every {@value #REPEAT_EVERY}th request, which repeats one: a duplicate.
   * Stops by itself after {@link #LOAD_LIMIT}, so that a stuck test cannot sign forever.
   */
  private static final class SigningLoad implements AutoCloseable {
    private static final int SIGNATURES_PER_SECOND = 100;
    private static final int REPEAT_EVERY = 20;
    private static final int CONNECTIONS = 4;
    private static final long JOIN_MS = 5_000;
    private final TestGateway gw;
    private final WebClient client;
    private final String path;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Map<Integer, LongAdder> answers = new ConcurrentHashMap<>();
    private final Thread thread;

    private SigningLoad(TestGateway gw, long petitionId) {
      this.gw = gw;
      this.client =
          WebClient.create(
              gw.gateway().vertx(),
              new WebClientOptions()
                  .setDefaultHost("127.0.0.1")
                  .setDefaultPort(gw.gateway().httpPort()),
              new PoolOptions().setHttp1MaxSize(CONNECTIONS));
      this.path = "/api/v1/petitions/" + petitionId + "/signatures";
      this.thread = new Thread(this::run, "dashboard-signing-load");
      thread.setDaemon(true);
    }

    static SigningLoad start(TestGateway gw, long petitionId) {
      SigningLoad load = new SigningLoad(gw, petitionId);
      load.thread.start();
      return load;
    }

    private void run() {
      long startedNs = System.nanoTime();
      long intervalNs = 1_000_000_000L / SIGNATURES_PER_SECOND;
      String token = null;
      for (int request = 0; !stopped.get(); request++) {
        long dueNs = startedNs + request * intervalNs;
        if (dueNs - startedNs > LOAD_LIMIT.toNanos() || !sleepUntil(dueNs)) {
          return;
        }
        if (token == null || request % REPEAT_EVERY != 0) {
          token = gw.token("dashboard-citizen-" + request, "Громадянка " + request, null);
        }
        client
            .post(path)
            .putHeader("Authorization", "Bearer " + token)
            .sendJsonObject(CONSENT)
            .onComplete(
                answer -> {
                  int status = answer.succeeded() ? answer.result().statusCode() : -1;
                  answers.computeIfAbsent(status, key -> new LongAdder()).increment();
                });
      }
    }

    /** False when interrupted. */
    private static boolean sleepUntil(long dueNs) {
      long waitMs = (dueNs - System.nanoTime()) / 1_000_000;
      try {
        if (waitMs > 0) {
          Thread.sleep(waitMs);
        }
        return true;
      } catch (InterruptedException e) {
        return false;
      }
    }

    @Override
    public void close() throws InterruptedException {
      stopped.set(true);
      thread.join(JOIN_MS);
      client.close();
      log.info("test: signing load stopped answersByStatus={}", answers);
    }
  }
}
