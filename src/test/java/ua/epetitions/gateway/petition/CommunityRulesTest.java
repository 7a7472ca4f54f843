package ua.epetitions.gateway.petition;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Community residency rule")
class CommunityRulesTest {
  private static final String LVIV_CODE = "UA46060250010015970";

  private static CommunityRules rules(boolean residencyRequired) {
    return new CommunityRules(
        "Львівська міська рада",
        "Львівська область",
        1000,
        60,
        residencyRequired,
        "UA4606",
        "Europe/Kyiv");
  }

  @Test
  @DisplayName("without a residency rule a citizen without a territory is admitted")
  void noResidencyRuleAdmitsMissingTerritory() {
    assertThat(rules(false).admits(null)).isTrue();
  }

  @Test
  @DisplayName("without a residency rule a citizen of another community is admitted")
  void noResidencyRuleAdmitsOtherTerritory() {
    assertThat(rules(false).admits("UA80000000000093317")).isTrue();
  }

  @Test
  @DisplayName("with a residency rule a territory under the community's code is admitted")
  void residencyRuleAdmitsTerritoryUnderCode() {
    assertThat(rules(true).admits(LVIV_CODE)).isTrue();
  }

  @Test
  @DisplayName("with a residency rule the community's own code is admitted")
  void residencyRuleAdmitsExactCode() {
    assertThat(rules(true).admits("UA4606")).isTrue();
  }

  @Test
  @DisplayName("with a residency rule a territory that only shares a shorter prefix is refused")
  void residencyRuleRefusesOtherTerritory() {
    assertThat(rules(true).admits("UA46080250010015970")).isFalse();
  }

  @Test
  @DisplayName("with a residency rule a code shorter than the community's is refused")
  void residencyRuleRefusesBroaderCode() {
    assertThat(rules(true).admits("UA46")).isFalse();
  }

  @Test
  @DisplayName("with a residency rule a citizen without a territory is refused")
  void residencyRuleRefusesMissingTerritory() {
    assertThat(rules(true).admits(null)).isFalse();
  }
}
