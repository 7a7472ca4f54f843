package ua.epetitions.gateway.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Secrets that development mode generates once and keeps in the data directory (owner-only files),
 * so that a restart keeps signer keys, tokens and credentials stable.
 */
public final class LocalSecrets {
  private static final SecureRandom RANDOM = new SecureRandom();

  private LocalSecrets() {}

  /** The secret in {@code file}, or a new random one of {@code bytes} bytes written there. */
  public static String loadOrCreate(Path file, int bytes) throws IOException {
    if (Files.isRegularFile(file)) {
      String existing = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (!existing.isEmpty()) {
        return existing;
      }
    }
    byte[] random = new byte[bytes];
    RANDOM.nextBytes(random);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    writeOwnerOnly(file, secret);
    return secret;
  }

  /** Writes {@code content} to {@code file} readable by the owner only. */
  public static void writeOwnerOnly(Path file, String content) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(
        temporary,
        content,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING);
    try {
      Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the directory's own permissions have to protect it.
    }
    Files.move(
        temporary,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
