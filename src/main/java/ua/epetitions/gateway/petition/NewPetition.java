package ua.epetitions.gateway.petition;

/** A petition filed by a citizen, before it has an id and a number. */
public record NewPetition(String title, String text, Topic topic, String authorKey) {}
