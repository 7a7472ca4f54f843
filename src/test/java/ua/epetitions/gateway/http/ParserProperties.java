package ua.epetitions.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;

/** Properties of the parsers that read what clients send: ids, cursors and JSON bodies. */
@Label("Parsers of client input")
class ParserProperties {
  private static final String JSON = "application/json";
  private static final Set<String> SIGNING_MEMBERS = Set.of("consent");

  @Property
  @Label("every positive id of at most 18 digits parses back to itself")
  void petitionIdRoundTrips(@ForAll @LongRange(min = 1, max = 999_999_999_999_999_999L) long id) {
    assertThat(Params.petitionId(Long.toString(id))).isEqualTo(id);
  }

  @Property(tries = 2000)
  @Label("any string is a valid petition id or a 400 invalid-request problem, nothing else")
  void anyStringIsIdOrProblem(@ForAll String raw) {
    Throwable thrown = catchThrowable(() -> Params.petitionId(raw));

    if (thrown == null) {
      assertThat(raw).matches("[1-9][0-9]{0,17}");
    } else {
      assertInvalidRequest(thrown);
    }
  }

  @Property(tries = 500)
  @Label("number-like strings that are not plain positive ids are refused")
  void numberLikeIdsAreRefused(@ForAll("numberLikeIds") String raw) {
    assertInvalidRequest(catchThrowable(() -> Params.petitionId(raw)));
  }

  @Provide
  Arbitrary<String> numberLikeIds() {
    return Arbitraries.oneOf(
        Arbitraries.longs().lessOrEqual(0).map(n -> Long.toString(n)),
        Arbitraries.strings().numeric().ofMinLength(19).ofMaxLength(40).map(d -> "1" + d),
        Arbitraries.integers().between(1, 99).map(n -> n + "e3"),
        Arbitraries.integers().between(1, 999).map(n -> "0" + n),
        Arbitraries.integers().between(1, 999).map(n -> "+" + n),
        Arbitraries.integers().between(1, 999).map(n -> n + ".0"),
        Arbitraries.integers().between(1, 999).map(n -> " " + n));
  }

  @Property
  @Label("a cursor decodes to the position it encoded (printable ASCII, as every list's key is)")
  void cursorRoundTrips(
      @ForAll @StringLength(max = 100) @CharRange(from = ' ', to = '~') String position) {
    assertThat(Cursors.decode(Cursors.encode(position))).isEqualTo(position);
  }

  @Property
  @Label("an id cursor gives back its id")
  void idCursorRoundTrips(@ForAll @LongRange(min = 1, max = 999_999_999_999_999_999L) long id) {
    assertThat(Cursors.idOf(Cursors.ofId(id))).isEqualTo(id);
  }

  @Property(tries = 3000)
  @Label("any string passed as a cursor decodes or fails as a 400 problem, never otherwise")
  void anyCursorDecodesOrFailsClearly(@ForAll("cursorLike") String cursor) {
    for (Runnable parse :
        new Runnable[] {
          () -> Cursors.decode(cursor),
          () -> Cursors.idOf(cursor),
          () -> Cursors.slugOf(cursor),
          () -> Cursors.signerOf(cursor)
        }) {
      Throwable thrown = catchThrowable(parse::run);
      if (thrown != null) {
        assertInvalidRequest(thrown);
      }
    }
  }

  @Provide
  Arbitrary<String> cursorLike() {
    Arbitrary<String> versioned =
        Arbitraries.strings().ofMaxLength(120).map(position -> Cursors.encode(position));
    Arbitrary<String> signerLike =
        Arbitraries.longs()
            .flatMap(
                micros ->
                    Arbitraries.strings()
                        .ascii()
                        .ofMaxLength(70)
                        .map(receipt -> Cursors.encode(micros + ":" + receipt)));
    return Arbitraries.oneOf(
        Arbitraries.strings(),
        Arbitraries.strings().withChars("ABCDEFabcdef0123456789-_=+/").ofMaxLength(260),
        versioned,
        signerLike);
  }

  @Property(tries = 3000)
  @Label("any bytes as a JSON body are an object or a 400/415 problem, never a 500")
  void anyBodyParsesOrIsRefused(
      @ForAll("bodies") byte[] body, @ForAll("contentTypes") String contentType) {
    Throwable thrown =
        catchThrowable(() -> Bodies.jsonObject(contentType, Buffer.buffer(body), SIGNING_MEMBERS));

    if (thrown == null) {
      assertThat(JSON.equals(contentType) || contentType.startsWith(JSON + ";")).isTrue();
    } else {
      assertThat(thrown).isInstanceOf(ProblemException.class);
      assertThat(((ProblemException) thrown).problem().status()).isIn(400, 415);
    }
  }

  @Provide
  Arbitrary<byte[]> bodies() {
    Arbitrary<byte[]> anyBytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<byte[]> jsonish =
        Arbitraries.strings()
            .withChars("{}[]\":,truefalsnl0123456789.eE+-\\u \t\n")
            .ofMaxLength(200)
            .map(text -> text.getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> nested =
        Arbitraries.integers()
            .between(1, 5000)
            .map(depth -> ("{\"consent\":" + "[".repeat(depth)).getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> consentValues =
        Arbitraries.strings()
            .ofMaxLength(40)
            .map(
                value ->
                    new JsonObject()
                        .put("consent", value)
                        .encode()
                        .getBytes(StandardCharsets.UTF_8));
    return Arbitraries.oneOf(anyBytes, jsonish, nested, consentValues);
  }

  @Provide
  Arbitrary<String> contentTypes() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            JSON,
            "application/json; charset=utf-8",
            "application/json; charset=UTF-16",
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            ""),
        Arbitraries.strings().ofMaxLength(60));
  }

  @Example
  @Label("the consent body itself parses")
  void consentBodyParses() {
    JsonObject body = Bodies.jsonObject(JSON, Buffer.buffer("{\"consent\":true}"), SIGNING_MEMBERS);

    assertThat(body.getBoolean("consent")).isTrue();
  }

  private static void assertInvalidRequest(Throwable thrown) {
    assertThat(thrown).isInstanceOf(ProblemException.class);
    Problem problem = ((ProblemException) thrown).problem();
    assertThat(problem.status()).isEqualTo(400);
    assertThat(problem.type()).isEqualTo("/problems/invalid-request");
    assertThat(problem.detail()).isNotBlank();
  }
}
