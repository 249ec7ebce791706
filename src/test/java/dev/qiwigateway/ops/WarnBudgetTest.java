package dev.qiwigateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WarnBudgetTest {

  @Test
  @DisplayName("past its lines per window a warning is held back, and the next window's first line counts them")
  void holdsBackAndReports() {
    AtomicLong now = new AtomicLong(1_000);
    WarnBudget budget = new WarnBudget(Duration.ofMinutes(1), 2, now::get);
    assertThat(budget.take()).isEqualTo(OptionalLong.of(0));
    assertThat(budget.take()).isEqualTo(OptionalLong.of(0));
    assertThat(budget.take()).isEmpty();
    assertThat(budget.take()).isEmpty();
    now.addAndGet(59_999);
    assertThat(budget.take()).isEmpty();
    now.addAndGet(1);
    assertThat(budget.take()).isEqualTo(OptionalLong.of(3));
    assertThat(budget.take()).isEqualTo(OptionalLong.of(0));
  }
}
