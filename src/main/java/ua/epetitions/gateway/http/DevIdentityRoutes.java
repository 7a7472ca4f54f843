package ua.epetitions.gateway.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.regex.Pattern;
import ua.epetitions.gateway.identity.DevIdentityIssuer;

/** The development identity issuer's endpoints; mounted only outside production mode. */
final class DevIdentityRoutes {
  private static final Set<String> TOKEN_MEMBERS = Set.of("subject", "name", "territory");
  private static final Pattern TERRITORY = Pattern.compile("UA[0-9]{2,17}");
  private final DevIdentityIssuer issuer;

  DevIdentityRoutes(DevIdentityIssuer issuer) {
    this.issuer = issuer;
  }

  void jwks(RoutingContext ctx) {
    ctx.response().putHeader("Cache-Control", "public, max-age=300");
    Responses.ok(ctx, new JsonObject(issuer.publicKeys().toJSONObject(true)));
  }

  void mintToken(RoutingContext ctx) {
    JsonObject body = Bodies.jsonObject(ctx, TOKEN_MEMBERS);
    String subject = Bodies.requiredText(body, "subject", 1, 128);
    String name = Bodies.requiredText(body, "name", 1, 200);
    String territory = Bodies.optionalText(body, "territory", 4, 19);
    if (territory != null && !TERRITORY.matcher(territory).matches()) {
      throw Problem.invalidRequest("'territory' must be UA followed by 2 to 17 digits").exception();
    }
    Responses.ok(ctx, new JsonObject().put("token", issuer.mint(subject, name, territory)));
  }
}
