package dev.qiwigateway.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.config.QiwiSettings;
import dev.qiwigateway.domain.BillStatus;
import dev.qiwigateway.notification.NotificationReader.QiwiNotification;
import dev.qiwigateway.qiwi.FormCodec;
import dev.qiwigateway.qiwi.NotifyAuthMode;
import dev.qiwigateway.qiwi.QiwiAmount;
import dev.qiwigateway.qiwi.QiwiCredentials;
import dev.qiwigateway.qiwi.QiwiDialect;
import dev.qiwigateway.testing.QiwiNotifications;
import dev.qiwigateway.testing.TestSecrets;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties of the notification endpoint's reading and authentication in each dialect (issue 12), run
 * in-process through the same steps {@link NotificationRoutes} takes before the inbox: {@link NotificationReader#form},
 * {@link NotificationAuthenticator#refusal}, {@link NotificationReader#read}. Whatever arrives is refused with
 * the protocol's own 4xx answer or admitted; it is admitted only with a valid credential, and then it says
 * exactly what was signed. The route around these steps (answers, inbox, no row without a credential) is
 * covered over real HTTP by {@code NotificationRefusalTest} and the dialects' notification tests.
 */
class NotificationIngestProperties {

  static final int TRIES = 10_000;
  private static final String FORM = "application/x-www-form-urlencoded; charset=utf-8";
  private static final QiwiCredentials CREDENTIALS = TestSecrets.credentials();
  private static final Set<NotificationAnswer> REFUSALS =
      Set.of(NotificationAnswer.MALFORMED, NotificationAnswer.BAD_SIGNATURE, NotificationAnswer.BAD_CREDENTIALS);

  /** A notification's fate before the inbox: refused with an answer, or admitted as read. */
  record Outcome(NotificationAnswer refusal, QiwiNotification admitted) {
  }

  /** One gateway's notification side: its dialect and how QIWI authenticates. */
  record Endpoint(NotificationAuthenticator authenticator, NotificationReader reader, QiwiDialect dialect,
      NotifyAuthMode mode) {

    static Endpoint of(QiwiDialect dialect, NotifyAuthMode mode) {
      QiwiSettings settings = new QiwiSettings(null, dialect, CREDENTIALS, mode, "/qiwi/notifications", List.of(),
          5000, 30_000, 50, null);
      return new Endpoint(new NotificationAuthenticator(settings), new NotificationReader(dialect, CREDENTIALS.prvId()),
          dialect, mode);
    }

    /** The route's order: the form (what is signed), then the credential, then the fields. */
    Outcome ingest(String contentType, byte[] body, MultiMap headers) {
      NotificationReader.Form form;
      try {
        form = NotificationReader.form(contentType, Buffer.buffer(body));
      } catch (NotificationReader.Malformed e) {
        return new Outcome(NotificationAnswer.MALFORMED, null);
      }
      Optional<NotificationAnswer> refusal = authenticator.refusal(headers, form.fields());
      if (refusal.isPresent()) {
        return new Outcome(refusal.get(), null);
      }
      try {
        return new Outcome(null, reader.read(form, "91.232.230.1"));
      } catch (NotificationReader.Malformed e) {
        return new Outcome(NotificationAnswer.MALFORMED, null);
      }
    }

    /** The header QIWI would send with these fields. */
    MultiMap credential(Map<String, String> fields) {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      if (mode == NotifyAuthMode.BASIC && dialect == QiwiDialect.PULL_V2) {
        return headers.add("Authorization", CREDENTIALS.notificationBasicAuthorization());
      }
      return headers.add(NotificationAuthenticator.SIGNATURE_HEADER, dialect == QiwiDialect.REST_V3
          ? QiwiNotifications.restV3Signature(CREDENTIALS.secretKey(), fields)
          : QiwiNotifications.pullV2Signature(CREDENTIALS.notifyPassword(), fields));
    }

    /** What the credential covers: rest-v3 signs a subset of fields, pull-v2 all of them; Basic vouches for all. */
    String signedString(Map<String, String> fields) {
      return NotificationAuthenticator.Signer.signedString(dialect, fields);
    }
  }

  private static final Endpoint REST_V3 = Endpoint.of(QiwiDialect.REST_V3, NotifyAuthMode.SIGNATURE);
  private static final Endpoint PULL_V2_SIGNED = Endpoint.of(QiwiDialect.PULL_V2, NotifyAuthMode.SIGNATURE);
  private static final Endpoint PULL_V2_BASIC = Endpoint.of(QiwiDialect.PULL_V2, NotifyAuthMode.BASIC);

  private static void assertRefusedWith4xx(Outcome outcome) {
    assertThat(outcome.admitted()).as("admitted without a valid credential").isNull();
    assertThat(REFUSALS).contains(outcome.refusal());
    assertThat(outcome.refusal().httpStatus()).isBetween(400, 499);
  }

  // ---- any bytes, any headers: a 4xx of the protocol, never admitted ----

  @Property(tries = TRIES)
  @Label("rest-v3: any body, content type and signature header is refused with the protocol's 4xx")
  void restV3AnyBytes(@ForAll("bodies") byte[] body, @ForAll("contentTypes") String contentType,
      @ForAll("signatureHeaders") MultiMap headers) {
    assertRefusedWith4xx(REST_V3.ingest(contentType, body, headers));
  }

  @Property(tries = TRIES)
  @Label("pull-v2 signature: any body, content type and signature header is refused with the protocol's 4xx")
  void pullV2SignedAnyBytes(@ForAll("bodies") byte[] body, @ForAll("contentTypes") String contentType,
      @ForAll("signatureHeaders") MultiMap headers) {
    assertRefusedWith4xx(PULL_V2_SIGNED.ingest(contentType, body, headers));
  }

  @Property(tries = TRIES)
  @Label("pull-v2 Basic: any body, content type and Authorization header is refused with the protocol's 4xx")
  void pullV2BasicAnyBytes(@ForAll("bodies") byte[] body, @ForAll("contentTypes") String contentType,
      @ForAll("basicHeaders") MultiMap headers) {
    assertRefusedWith4xx(PULL_V2_BASIC.ingest(contentType, body, headers));
  }

  // ---- a signed notification altered in transit: admitted only if what was signed survived ----

  @Property(tries = TRIES)
  @Label("rest-v3: a signed body altered anywhere is refused unless every signed value survived unchanged")
  void restV3Tampered(@ForAll("restV3Fields") Map<String, String> fields, @ForAll("edits") List<Edit> edits) {
    assertTamperingIsCaught(REST_V3, fields, edits);
  }

  @Property(tries = TRIES)
  @Label("pull-v2 signature: a signed body altered anywhere is refused unless every value survived unchanged")
  void pullV2Tampered(@ForAll("pullV2Fields") Map<String, String> fields, @ForAll("edits") List<Edit> edits) {
    assertTamperingIsCaught(PULL_V2_SIGNED, fields, edits);
  }

  private static void assertTamperingIsCaught(Endpoint endpoint, Map<String, String> fields, List<Edit> edits) {
    String original = FormCodec.encode(fields);
    String altered = Edit.apply(original, edits);
    Outcome outcome = endpoint.ingest(FORM, altered.getBytes(StandardCharsets.UTF_8), endpoint.credential(fields));
    if (outcome.admitted() == null) {
      assertThat(REFUSALS).contains(outcome.refusal());
      return;
    }
    Map<String, String> arrived = FormCodec.decode(altered);
    assertThat(endpoint.signedString(arrived)).isEqualTo(endpoint.signedString(fields));
    assertSays(outcome.admitted(), endpoint.dialect(), fields);
  }

  @Property(tries = TRIES)
  @Label("pull-v2 Basic: the shop's credentials are accepted with nothing, LF or CRLF after them, and no other tail")
  void basicCredentialTails(@ForAll("pullV2Fields") Map<String, String> fields, @ForAll("tails") String tail) {
    String decoded = CREDENTIALS.prvId() + ":" + CREDENTIALS.notifyPassword() + tail;
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Authorization",
        "Basic " + Base64.getEncoder().encodeToString(decoded.getBytes(StandardCharsets.UTF_8)));
    Outcome outcome = PULL_V2_BASIC.ingest(FORM, FormCodec.encode(fields).getBytes(StandardCharsets.UTF_8), headers);
    if (Set.of("", "\n", "\r\n").contains(tail)) {
      assertThat(outcome.refusal()).isNull();
      assertSays(outcome.admitted(), QiwiDialect.PULL_V2, fields);
    } else {
      assertThat(outcome.admitted()).isNull();
      assertThat(outcome.refusal()).isEqualTo(NotificationAnswer.BAD_CREDENTIALS);
    }
  }

  // ---- valid notifications: read(print(x)) = x ----

  @Property(tries = TRIES)
  @Label("rest-v3: every valid signed notification is read back as exactly what was sent")
  void restV3RoundTrip(@ForAll("restV3Fields") Map<String, String> fields) {
    Outcome outcome = REST_V3.ingest(FORM, FormCodec.encode(fields).getBytes(StandardCharsets.UTF_8),
        REST_V3.credential(fields));
    assertThat(outcome.refusal()).isNull();
    assertSays(outcome.admitted(), QiwiDialect.REST_V3, fields);
  }

  @Property(tries = TRIES)
  @Label("pull-v2: every valid notification, signed or with Basic credentials, is read back as exactly what was sent")
  void pullV2RoundTrip(@ForAll("pullV2Fields") Map<String, String> fields, @ForAll boolean basic) {
    Endpoint endpoint = basic ? PULL_V2_BASIC : PULL_V2_SIGNED;
    Outcome outcome = endpoint.ingest(FORM, FormCodec.encode(fields).getBytes(StandardCharsets.UTF_8),
        endpoint.credential(fields));
    assertThat(outcome.refusal()).isNull();
    assertSays(outcome.admitted(), QiwiDialect.PULL_V2, fields);
  }

  private static void assertSays(QiwiNotification read, QiwiDialect dialect, Map<String, String> sent) {
    assertThat(read).isNotNull();
    assertThat(read.billId()).isEqualTo(sent.get("bill_id"));
    assertThat(read.status().wireName()).isEqualTo(sent.get("status"));
    assertThat(read.amount()).isEqualByComparingTo(new BigDecimal(sent.get("amount")));
    assertThat(read.currency()).isEqualTo(sent.get(dialect == QiwiDialect.REST_V3 ? "currency" : "ccy"));
    if (dialect == QiwiDialect.REST_V3) {
      assertThat(read.prvId()).isEqualTo(sent.get("prv_id"));
      assertThat(read.shopMatches()).isEqualTo(CREDENTIALS.prvId().equals(sent.get("prv_id")));
    }
  }

  // ---- generators ----

  /** One change to a body's text: delete, insert or replace the character at a position. */
  record Edit(int kind, int position, char character) {

    static String apply(String text, List<Edit> edits) {
      StringBuilder altered = new StringBuilder(text);
      for (Edit edit : edits) {
        int at = altered.isEmpty() ? 0 : edit.position % (altered.length() + (edit.kind == 1 ? 1 : 0));
        switch (edit.kind) {
          case 0 -> {
            if (!altered.isEmpty()) {
              altered.deleteCharAt(at);
            }
          }
          case 1 -> altered.insert(at, edit.character);
          default -> {
            if (!altered.isEmpty()) {
              altered.setCharAt(at, edit.character);
            }
          }
        }
      }
      return altered.toString();
    }
  }

  @Provide
  Arbitrary<List<Edit>> edits() {
    Arbitrary<Character> characters = Arbitraries.of('&', '=', '%', '+', '0', '1', '9', '.', 'a', 'A', 'F', '2', 'x', '_');
    return Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 100_000),
        characters).as(Edit::new).list().ofMinSize(1).ofMaxSize(3);
  }

  private static Arbitrary<String> billIds() {
    return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9').withChars("._-")
        .ofMinLength(1).ofMaxLength(30).filter(id -> !id.matches("\\.+"));
  }

  /** QIWI writes amounts as "10", "10.0" or "10.00"; every one is a whole number of kopecks. */
  private static Arbitrary<String> amounts() {
    return Combinators.combine(Arbitraries.longs().between(1, 99_999_999L), Arbitraries.integers().between(0, 1))
        .as((minor, style) -> {
          BigDecimal amount = BigDecimal.valueOf(minor, 2);
          return style == 0 ? QiwiAmount.format(amount) : amount.stripTrailingZeros().toPlainString();
        });
  }

  private static Arbitrary<String> statuses() {
    return Arbitraries.of(BillStatus.values()).map(BillStatus::wireName);
  }

  private static Arbitrary<String> currencies() {
    return Arbitraries.strings().withCharRange('A', 'Z').ofLength(3);
  }

  /**
   * Any Unicode text without lone surrogates, control characters included (the form escapes them), and
   * sometimes a character outside the BMP. Built from jqwik's string generator: a code-point list is slow.
   */
  private static Arbitrary<String> freeText() {
    Arbitrary<String> bmp = Arbitraries.strings().withCharRange('\u0000', '\u007e').withCharRange('\u0080', '\ud7ff')
        .withCharRange('\ue000', '\ufffd').ofMaxLength(30);
    return Combinators.combine(bmp, Arbitraries.of("", "", "", "\ud83d\ude00", "\ud834\udd1e")).as(String::concat);
  }

  @Provide
  Arbitrary<Map<String, String>> restV3Fields() {
    Arbitrary<String> shops = Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.just(CREDENTIALS.prvId())),
        Tuple.of(1, Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(18)));
    Arbitrary<String> errors = Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.just("0")),
        Tuple.of(1, Arbitraries.integers().between(-999, 999_999).map(String::valueOf)));
    return Combinators.combine(shops, billIds(), statuses(), errors, amounts(), currencies(), freeText(),
        Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(15)).as((shop, bill, status, error, amount, ccy,
            comment, phone) -> {
          Map<String, String> fields = new LinkedHashMap<>();
          fields.put("prv_id", shop);
          fields.put("bill_id", bill);
          fields.put("status", status);
          fields.put("error", error);
          fields.put("amount", amount);
          fields.put("phone", "tel:+" + phone);
          fields.put("currency", ccy);
          fields.put("comment", comment);
          fields.put("version", "1");
          return fields;
        });
  }

  /** QIWI's table lists neither error nor a default prv_name: both are sometimes absent. */
  @Provide
  Arbitrary<Map<String, String>> pullV2Fields() {
    return Combinators.combine(billIds(), statuses(), amounts(), currencies(), freeText(), freeText(),
        Arbitraries.integers().between(0, 3)).as((bill, status, amount, ccy, comment, shopName, absent) -> {
          Map<String, String> fields = new LinkedHashMap<>();
          fields.put("bill_id", bill);
          fields.put("status", status);
          if ((absent & 1) == 0) {
            fields.put("error", "0");
          }
          fields.put("amount", amount);
          fields.put("user", "tel:+79161234567");
          if ((absent & 2) == 0) {
            fields.put("prv_name", shopName);
          }
          fields.put("ccy", ccy);
          fields.put("comment", comment);
          fields.put("command", "bill");
          return fields;
        });
  }

  /** Random bytes, form-like text, and real notification bodies sent without their credential. */
  @Provide
  Arbitrary<byte[]> bodies() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<byte[]> formLike = Arbitraries.strings().withChars("&=%+._-abcdefxyz0123456789ABCDEF \r\n\u0000\u00e9")
        .ofMaxLength(200).map(text -> text.getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> realRestV3 = restV3Fields().map(f -> FormCodec.encode(f).getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> realPullV2 = pullV2Fields().map(f -> FormCodec.encode(f).getBytes(StandardCharsets.UTF_8));
    return Arbitraries.oneOf(random, formLike, realRestV3, realPullV2);
  }

  @Provide
  Arbitrary<String> contentTypes() {
    return Arbitraries.oneOf(Arbitraries.of(FORM, "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=windows-1251", "application/json", "text/plain", ""),
        Arbitraries.strings().ofMaxLength(60));
  }

  @Provide
  Arbitrary<MultiMap> signatureHeaders() {
    Arbitrary<String> base64ish = Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(40)
        .map(bytes -> Base64.getEncoder().encodeToString(bytes));
    return Arbitraries.oneOf(base64ish, Arbitraries.strings().ofMaxLength(60))
        .injectNull(0.1)
        .map(value -> value == null ? MultiMap.caseInsensitiveMultiMap()
            : MultiMap.caseInsensitiveMultiMap().add(NotificationAuthenticator.SIGNATURE_HEADER, value));
  }

  @Provide
  Arbitrary<MultiMap> basicHeaders() {
    Arbitrary<String> nearCredentials = Arbitraries.strings().ofMaxLength(50).map(guess ->
        "Basic " + Base64.getEncoder().encodeToString((CREDENTIALS.prvId() + ":" + guess).getBytes(StandardCharsets.UTF_8)));
    return Arbitraries.oneOf(nearCredentials, Arbitraries.strings().ofMaxLength(60).map(value -> "Basic " + value),
            Arbitraries.strings().ofMaxLength(60))
        .injectNull(0.1)
        .map(value -> value == null ? MultiMap.caseInsensitiveMultiMap()
            : MultiMap.caseInsensitiveMultiMap().add("Authorization", value));
  }

  /** What may follow the password: mostly line ends and blanks, which is where leniency could go too far. */
  @Provide
  Arbitrary<String> tails() {
    return Arbitraries.oneOf(Arbitraries.of("", "\n", "\r\n"),
        Arbitraries.strings().withChars("\r\n \t\u0000x").ofMinLength(1).ofMaxLength(4));
  }
}
