package ua.epetitions.gateway.petition;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What a petition is about; the wire name is the stored name. */
public enum Topic {
  CITY_IMPROVEMENT("city-improvement"),
  CONSTRUCTION("construction"),
  TRANSPORT("transport"),
  ROADS("roads"),
  ECOLOGY("ecology"),
  EDUCATION("education"),
  HEALTHCARE("healthcare"),
  CULTURE("culture"),
  SOCIAL_PROTECTION("social-protection"),
  SAFETY("safety"),
  HOUSING("housing"),
  OTHER("other");

  private final String wireName;

  Topic(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<Topic> fromWireName(String name) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
  }

  public static List<String> wireNames() {
    return Arrays.stream(values()).map(Topic::wireName).toList();
  }
}
