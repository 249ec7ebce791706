package dev.qiwigateway.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EventIdTest {

  @Test
  @DisplayName("event ids are evt_ and 24 base-36 digits, padded to length, and do not repeat")
  void shapeAndUniqueness() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      String id = EventStore.newId();
      assertThat(id).matches("evt_[0-9a-z]{24}");
      seen.add(id);
    }
    assertThat(seen).hasSize(20_000);
  }
}
