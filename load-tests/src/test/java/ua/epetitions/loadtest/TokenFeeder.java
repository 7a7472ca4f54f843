package ua.epetitions.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands each virtual user the next citizen token from a file written by the gateway's
 * {@code mint-tokens} command (one token per line), so no two users sign as the same citizen.
 */
final class TokenFeeder implements Iterator<Map<String, Object>> {

  private final List<String> tokens;
  private final AtomicInteger next = new AtomicInteger();

  private TokenFeeder(List<String> tokens) {
    this.tokens = tokens;
  }

  /** Loads the tokens, failing before the run starts when the file holds fewer than needed. */
  static TokenFeeder fromFile(String file, long needed) {
    List<String> tokens;
    try {
      tokens = Files.readAllLines(Path.of(file)).stream().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the token file '" + file + "'; mint it with the gateway's mint-tokens", e);
    }
    if (tokens.size() < needed) {
      throw new IllegalStateException(
          "the token file '"
              + file
              + "' holds "
              + tokens.size()
              + " tokens but this run injects up to "
              + needed
              + " citizens; mint at least that many");
    }
    return new TokenFeeder(tokens);
  }

  @Override
  public boolean hasNext() {
    return next.get() < tokens.size();
  }

  @Override
  public Map<String, Object> next() {
    int index = next.getAndIncrement();
    if (index >= tokens.size()) {
      throw new NoSuchElementException("the token file is used up after " + tokens.size());
    }
    return Map.of("token", tokens.get(index));
  }
}
