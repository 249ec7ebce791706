package dev.qiwigateway.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test (on a method) or every test of a class (on the class) that gets a gateway and a database of its
 * own instead of the one its class's tests share: it stops or breaks its gateway, leaves state behind
 * that the next test would see (an open circuit, a shutdown begun, a fault or a reset at the sandbox), or
 * asserts what holds for the whole gateway (every row of a table, the event feed, metrics counted from
 * zero). See {@link GatewayHarness#forTest}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface FreshGateway {

  /** Why the test cannot share its class's gateway. */
  String value();
}
