package ua.epetitions.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Signer keys")
class SignerKeysTest {
  @Test
  @DisplayName("a pepper shorter than 16 characters is refused")
  void shortPepperIsRefused() {
    assertThatThrownBy(() -> new SignerKeys("too-short"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("16");
  }

  @Test
  @DisplayName("two instances with one pepper give one subject the same key")
  void keyIsStableAcrossInstances() {
    String pepper = "pepper-0123456789abcdef";

    assertThat(new SignerKeys(pepper).keyOf("subject-1"))
        .isEqualTo(new SignerKeys(pepper).keyOf("subject-1"));
  }

  @Test
  @DisplayName("one instance gives the same key when asked twice")
  void keyIsStableAcrossCalls() {
    SignerKeys keys = new SignerKeys("pepper-0123456789abcdef");

    assertThat(keys.keyOf("subject-1")).isEqualTo(keys.keyOf("subject-1"));
  }
}
