package ua.epetitions.gateway.petition;

import static org.assertj.core.api.Assertions.assertThat;
import static ua.epetitions.gateway.petition.PetitionEvent.ANSWER;
import static ua.epetitions.gateway.petition.PetitionEvent.END_COLLECTION;
import static ua.epetitions.gateway.petition.PetitionEvent.PUBLISH;
import static ua.epetitions.gateway.petition.PetitionEvent.REACH_THRESHOLD;
import static ua.epetitions.gateway.petition.PetitionEvent.REJECT;
import static ua.epetitions.gateway.petition.PetitionEvent.SUBMIT;
import static ua.epetitions.gateway.petition.PetitionEvent.WITHDRAW;
import static ua.epetitions.gateway.petition.PetitionStatus.ANSWERED;
import static ua.epetitions.gateway.petition.PetitionStatus.AWAITING_ANSWER;
import static ua.epetitions.gateway.petition.PetitionStatus.COLLECTING;
import static ua.epetitions.gateway.petition.PetitionStatus.DRAFT;
import static ua.epetitions.gateway.petition.PetitionStatus.MODERATION;
import static ua.epetitions.gateway.petition.PetitionStatus.NOT_SUPPORTED;
import static ua.epetitions.gateway.petition.PetitionStatus.REJECTED;
import static ua.epetitions.gateway.petition.PetitionStatus.THRESHOLD_REACHED;
import static ua.epetitions.gateway.petition.PetitionStatus.WITHDRAWN;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Petition lifecycle")
class PetitionLifecycleTest {
  /** The table of the lifecycle's javadoc, written out again by hand: "from event" -> to. */
  private static final Map<String, PetitionStatus> ALLOWED =
      Map.ofEntries(
          Map.entry(key(DRAFT, SUBMIT), MODERATION),
          Map.entry(key(MODERATION, PUBLISH), COLLECTING),
          Map.entry(key(COLLECTING, REACH_THRESHOLD), THRESHOLD_REACHED),
          Map.entry(key(MODERATION, REJECT), REJECTED),
          Map.entry(key(COLLECTING, END_COLLECTION), NOT_SUPPORTED),
          Map.entry(key(NOT_SUPPORTED, REACH_THRESHOLD), AWAITING_ANSWER),
          Map.entry(key(THRESHOLD_REACHED, END_COLLECTION), AWAITING_ANSWER),
          Map.entry(key(THRESHOLD_REACHED, ANSWER), ANSWERED),
          Map.entry(key(AWAITING_ANSWER, ANSWER), ANSWERED),
          Map.entry(key(DRAFT, WITHDRAW), WITHDRAWN),
          Map.entry(key(MODERATION, WITHDRAW), WITHDRAWN),
          Map.entry(key(COLLECTING, WITHDRAW), WITHDRAWN));

  private static String key(PetitionStatus from, PetitionEvent event) {
    return from + " " + event;
  }

  static Stream<Arguments> everyStatusAndEvent() {
    return Arrays.stream(PetitionStatus.values())
        .flatMap(from -> Arrays.stream(PetitionEvent.values()).map(e -> Arguments.of(from, e)));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("everyStatusAndEvent")
  @DisplayName("each status and event leads exactly where the lifecycle table says")
  void transitionMatchesTable(PetitionStatus from, PetitionEvent event) {
    Optional<PetitionStatus> expected = Optional.ofNullable(ALLOWED.get(key(from, event)));

    assertThat(PetitionLifecycle.next(from, event)).isEqualTo(expected);
    assertThat(PetitionLifecycle.allows(from, event)).isEqualTo(expected.isPresent());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(PetitionStatus.class)
  @DisplayName("only collecting and threshold_reached petitions accept signatures")
  void onlyOpenStatusesAcceptSignatures(PetitionStatus status) {
    boolean open = EnumSet.of(COLLECTING, THRESHOLD_REACHED).contains(status);

    assertThat(status.acceptsSignatures()).isEqualTo(open);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(PetitionStatus.class)
  @DisplayName("every status round-trips through its wire name")
  void wireNameRoundTrips(PetitionStatus status) {
    assertThat(PetitionStatus.fromWireName(status.wireName())).contains(status);
  }
}
