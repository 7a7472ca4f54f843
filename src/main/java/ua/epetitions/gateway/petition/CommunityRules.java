package ua.epetitions.gateway.petition;

/**
 * What a council decides about its petitions. {@code territoryCode} is the prefix a signer's
 * territorial code claim must start with when {@code residencyRequired}.
 */
public record CommunityRules(
    String name,
    String region,
    int signatureThreshold,
    int collectionDays,
    boolean residencyRequired,
    String territoryCode,
    String timeZone) {

  /** Whether a person with this territorial code (may be null) may sign or file here. */
  public boolean admits(String signerTerritory) {
    if (!residencyRequired) {
      return true;
    }
    return signerTerritory != null && signerTerritory.startsWith(territoryCode);
  }
}
