package ua.epetitions.gateway.http;

import io.vertx.ext.web.RoutingContext;
import ua.epetitions.gateway.identity.Citizen;
import ua.epetitions.gateway.identity.InvalidTokenException;
import ua.epetitions.gateway.identity.TokenVerifier;

/** The citizen behind a request's identity token, or a 401 problem. */
final class CitizenAuth {
  private final TokenVerifier verifier;

  CitizenAuth(TokenVerifier verifier) {
    this.verifier = verifier;
  }

  Citizen citizen(RoutingContext ctx) {
    String token = BearerTokens.of(ctx);
    if (token == null) {
      throw Problem.invalidToken(
              "send the citizen's identity token in one Authorization: Bearer header")
          .exception();
    }
    try {
      return verifier.verify(token);
    } catch (InvalidTokenException e) {
      throw Problem.invalidToken(e.getMessage()).exception();
    }
  }
}
