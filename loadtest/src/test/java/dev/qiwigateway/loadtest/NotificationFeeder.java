package dev.qiwigateway.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * QIWI's side of the storm: one signed rest-v3 notification per pre-issued bill (mostly {@code paid},
 * some {@code rejected} or {@code expired}), and, with probability {@code duplicateShare}, a byte-for-byte
 * repeat of a notification sent a little earlier, as QIWI's at-least-once retries would send it.
 * The bills file has one {@code bill_id,amount} line per bill, as the seed wrote them.
 *
 * <p>Endless: once every bill had its first notification, only repeats follow (counted, and reported
 * at the end, because the run then no longer measures first deliveries). Gatling may pull from two
 * feed actions; {@link #next} is synchronized.
 */
final class NotificationFeeder implements Iterator<Map<String, Object>> {

  private static final int RECENT = 20_000;

  private record Sent(String billId, String body, String signature) {
  }

  private final List<String[]> bills;
  private final QiwiShop shop;
  private final double duplicateShare;
  private final LoadShape shape;
  private final SplittableRandom random = new SplittableRandom(1842);
  private final Sent[] recent = new Sent[RECENT];
  private int sentCount;
  private int nextBill;
  private long repeatsAfterExhaustion;

  NotificationFeeder(Path billsFile, QiwiShop shop, double duplicateShare, LoadShape shape) {
    this.bills = read(billsFile);
    this.shop = shop;
    this.duplicateShare = duplicateShare;
    this.shape = shape;
    if (bills.isEmpty()) {
      throw new IllegalArgumentException("no bills in " + billsFile);
    }
  }

  @Override
  public boolean hasNext() {
    return true;
  }

  @Override
  public synchronized Map<String, Object> next() {
    boolean exhausted = nextBill >= bills.size();
    boolean repeat = sentCount > 0 && (exhausted || random.nextDouble() < duplicateShare);
    Sent sent;
    if (repeat) {
      sent = recent[random.nextInt(Math.min(sentCount, RECENT))];
      if (exhausted) {
        repeatsAfterExhaustion++;
      }
    } else {
      sent = first(bills.get(nextBill++));
      recent[sentCount % RECENT] = sent;
      sentCount++;
    }
    return Map.of("billId", sent.billId(), "body", sent.body(), "signature", sent.signature(),
        "kind", repeat ? "retry" : "first", "stage", shape.stage());
  }

  synchronized String summary() {
    return "bills notified: " + sentCount + " of " + bills.size()
        + (repeatsAfterExhaustion > 0 ? "; bills ran out: " + repeatsAfterExhaustion + " extra repeats" : "");
  }

  private Sent first(String[] bill) {
    double roll = random.nextDouble();
    String status = roll < 0.90 ? "paid" : roll < 0.96 ? "rejected" : "expired";
    Map<String, String> fields = shop.notification(bill[0], status, bill[1], "tel:+7916" + (1_000_000 + nextBill % 9_000_000));
    return new Sent(bill[0], QiwiShop.form(fields), shop.signature(fields));
  }

  private static List<String[]> read(Path file) {
    try {
      List<String[]> bills = new ArrayList<>();
      for (String line : Files.readAllLines(file)) {
        String[] parts = line.trim().split(",");
        if (parts.length == 2 && !parts[0].equals("bill_id")) {
          bills.add(parts);
        }
      }
      return bills;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bills file " + file, e);
    }
  }
}
