package io.tramontane.agents.session;

import java.util.Optional;

/**
 * What a user's message may be: not blank, at most {@link AgentSessionEntity#MAX_MESSAGE_CHARS}
 * characters, well-formed Unicode.
 */
final class MessageText {

  private MessageText() {}

  /** Why {@code text} cannot be a message, if it cannot. */
  static Optional<String> problem(String text) {
    if (text == null || text.isBlank()) {
      return Optional.of(
          "'text' must not be empty: send the user's message (1-"
              + AgentSessionEntity.MAX_MESSAGE_CHARS
              + " characters).");
    }
    if (text.length() > AgentSessionEntity.MAX_MESSAGE_CHARS) {
      return Optional.of(
          "'text' has "
              + text.length()
              + " characters; a message has at most "
              + AgentSessionEntity.MAX_MESSAGE_CHARS
              + ".");
    }
    int lone = WellFormedText.loneSurrogate(text);
    if (lone >= 0) {
      return Optional.of(
          "'text' contains an unpaired UTF-16 surrogate at character "
              + lone
              + "; send well-formed Unicode.");
    }
    return Optional.empty();
  }
}
