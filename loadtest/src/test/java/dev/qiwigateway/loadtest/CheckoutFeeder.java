package dev.qiwigateway.loadtest;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * One marketplace checkout per record: the bill's amount and buyer, its idempotency keys, and what the
 * buyer does next. Outcomes: {@code pay} (then the shop refunds part of it), {@code cancel} (the shop
 * withdraws the bill), {@code abandon} (the buyer never pays; the bill waits). A share of checkouts
 * repeats the issue request with the same Idempotency-Key, as a checkout retrying after a timeout does.
 * Shares: -Dcheckout.payShare (0.5), cancelShare (0.2), retryShare (0.1).
 */
final class CheckoutFeeder implements Iterator<Map<String, Object>> {

  private static final DateTimeFormatter QIWI_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
  private static final ZoneOffset MOSCOW = ZoneOffset.ofHours(3);

  private final LoadShape shape;
  private final String runId = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
  private final double payShare = Double.parseDouble(System.getProperty("checkout.payShare", "0.5"));
  private final double cancelShare = Double.parseDouble(System.getProperty("checkout.cancelShare", "0.2"));
  private final double retryShare = Double.parseDouble(System.getProperty("checkout.retryShare", "0.1"));
  private final SplittableRandom random = new SplittableRandom(1842);
  private long sequence;

  CheckoutFeeder(LoadShape shape) {
    this.shape = shape;
  }

  @Override
  public boolean hasNext() {
    return true;
  }

  @Override
  public synchronized Map<String, Object> next() {
    long n = ++sequence;
    int rubles = 100 + random.nextInt(49_900);
    double roll = random.nextDouble();
    Map<String, Object> checkout = new HashMap<>();
    checkout.put("billId", "lt-" + runId + "-" + n);
    checkout.put("amount", rubles + ".00");
    checkout.put("refundAmount", (rubles / 2) + ".00");
    checkout.put("refundId", "r" + n % 100_000_000L);
    checkout.put("customer", "tel:+7916" + (1_000_000 + random.nextInt(9_000_000)));
    checkout.put("comment", "Order " + n);
    checkout.put("lifetime", LocalDateTime.now(MOSCOW).plusDays(7).format(QIWI_TIME));
    checkout.put("issueKey", UUID.randomUUID().toString());
    checkout.put("cancelKey", UUID.randomUUID().toString());
    checkout.put("refundKey", UUID.randomUUID().toString());
    checkout.put("retry", random.nextDouble() < retryShare);
    checkout.put("outcome", roll < payShare ? "pay" : roll < payShare + cancelShare ? "cancel" : "abandon");
    checkout.put("stage", shape.stage());
    return checkout;
  }
}
