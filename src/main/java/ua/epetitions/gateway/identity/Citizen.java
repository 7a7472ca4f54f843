package ua.epetitions.gateway.identity;

/**
 * A person identified by a verified token: the pseudonymous signer key, the public display name and
 * the territorial code of residence (null when the provider gave none). Never log it.
 */
public record Citizen(String signerKey, String displayName, String territory) {
  @Override
  public String toString() {
    return "Citizen[redacted]";
  }
}
