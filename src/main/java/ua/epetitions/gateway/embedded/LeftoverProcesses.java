package ua.epetitions.gateway.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway killed hard (kill -9) runs no shutdown hook, so its embedded servers keep running and
 * keep their ports and data directories. Each server records its process id in a file under the
 * data directory; before a new start we stop whatever such a file names.
 */
final class LeftoverProcesses {
  private static final Logger log = LoggerFactory.getLogger(LeftoverProcesses.class);
  private static final Duration GRACEFUL_STOP = Duration.ofSeconds(30);
  private static final Duration FORCED_STOP = Duration.ofSeconds(10);

  private LeftoverProcesses() {}

  /** Stops the process named by the first line of {@code pidFile}, if it still runs. */
  static void stopIfRunning(String component, Path pidFile, String expectedCommandPart) {
    running(component, pidFile, expectedCommandPart)
        .ifPresent(
            process -> {
              log.warn(
                  "embedded: {} left running by an earlier gateway, pid={}; stopping it before"
                      + " start",
                  component,
                  process.pid());
              terminate(component, process);
            });
  }

  /**
   * Stops a server this gateway started, as cleanly as a leftover: SIGTERM, so that it writes its
   * files and exits, and SIGKILL only when it ignores that.
   */
  static void stopOwn(String component, Path pidFile, String expectedCommandPart) {
    running(component, pidFile, expectedCommandPart)
        .ifPresent(process -> terminate(component, process));
  }

  private static Optional<ProcessHandle> running(
      String component, Path pidFile, String expectedCommandPart) {
    Optional<ProcessHandle> found = readPid(pidFile).flatMap(ProcessHandle::of);
    if (found.isEmpty() || !found.get().isAlive()) {
      return Optional.empty();
    }
    ProcessHandle process = found.get();
    String command = process.info().command().orElse("");
    if (!command.contains(expectedCommandPart)) {
      log.warn(
          "embedded: {} pid file {} names pid={} running '{}', not {}; leaving it alone",
          component,
          pidFile,
          process.pid(),
          command,
          expectedCommandPart);
      return Optional.empty();
    }
    return Optional.of(process);
  }

  private static void terminate(String component, ProcessHandle process) {
    process.destroy();
    if (!awaitExit(process, GRACEFUL_STOP)) {
      log.warn("embedded: {} pid={} ignored SIGTERM; killing it", component, process.pid());
      process.destroyForcibly();
      if (!awaitExit(process, FORCED_STOP)) {
        throw new IllegalStateException(
            component + " pid=" + process.pid() + " would not stop; stop it by hand and retry");
      }
    }
  }

  private static Optional<Long> readPid(Path pidFile) {
    try {
      if (!Files.isRegularFile(pidFile)) {
        return Optional.empty();
      }
      String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
      return first.matches("\\d{1,10}") ? Optional.of(Long.parseLong(first)) : Optional.empty();
    } catch (IOException e) {
      log.warn("embedded: cannot read pid file {}: {}", pidFile, e.toString());
      return Optional.empty();
    }
  }

  private static boolean awaitExit(ProcessHandle process, Duration timeout) {
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !process.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }
}
