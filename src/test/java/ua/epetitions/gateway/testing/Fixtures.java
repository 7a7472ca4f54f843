package ua.epetitions.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;

/** Communities and petitions created through the public API, as a council would. */
public final class Fixtures {
  public static final String TERRITORY = "UA46060250010015970";
  private static int citizens;

  private Fixtures() {}

  public static JsonObject communityBody(String slug, boolean residencyRequired) {
    return new JsonObject()
        .put("slug", slug)
        .put("name", "Тестова міська рада " + slug)
        .put("region", "Львівська область")
        .put("signatureThreshold", 3)
        .put("collectionDays", 30)
        .put("residencyRequired", residencyRequired)
        .put("territoryCode", TERRITORY)
        .put("timeZone", "Europe/Kyiv");
  }

  public static void createCommunity(TestGateway gw, String slug, boolean residencyRequired) {
    var response =
        gw.adminPost("/api/v1/admin/communities", communityBody(slug, residencyRequired));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
  }

  public static JsonObject petitionBody(String title) {
    return new JsonObject()
        .put("title", title)
        .put(
            "text",
            "Просимо раду розглянути це питання якнайшвидше, бо воно стосується всіх мешканців.")
        .put("topic", "transport");
  }

  /** Files a petition as a new resident citizen; answers its id. */
  public static long filePetition(TestGateway gw, String slug, String title) {
    String token = gw.token("author-" + (++citizens), "Автор Тестовий", TERRITORY);
    var response =
        gw.citizenPost("/api/v1/communities/" + slug + "/petitions", token, petitionBody(title));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    return response.bodyAsJsonObject().getLong("id");
  }

  /** Files and publishes a petition; answers its id. */
  public static long collectingPetition(TestGateway gw, String slug, String title) {
    long id = filePetition(gw, slug, title);
    var response = gw.adminPost("/api/v1/admin/petitions/" + id + "/publish", null);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return id;
  }
}
