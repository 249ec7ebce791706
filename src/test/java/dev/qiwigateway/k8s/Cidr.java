package dev.qiwigateway.k8s;

/** An IPv4 CIDR block, enough to tell whether one block lies inside another. */
record Cidr(long network, int prefix) {

  static Cidr parse(String text) {
    String[] parts = text.strip().split("/");
    if (parts.length != 2) {
      throw new IllegalArgumentException("not an IPv4 CIDR: " + text);
    }
    String[] octets = parts[0].split("\\.");
    if (octets.length != 4) {
      throw new IllegalArgumentException("not an IPv4 CIDR: " + text);
    }
    long address = 0;
    for (String octet : octets) {
      int value = Integer.parseInt(octet);
      if (value < 0 || value > 255) {
        throw new IllegalArgumentException("not an IPv4 CIDR: " + text);
      }
      address = (address << 8) | value;
    }
    int prefix = Integer.parseInt(parts[1]);
    if (prefix < 0 || prefix > 32) {
      throw new IllegalArgumentException("not an IPv4 CIDR: " + text);
    }
    return new Cidr(address & mask(prefix), prefix);
  }

  /** True when every address of {@code other} is also in this block. */
  boolean contains(Cidr other) {
    return other.prefix >= prefix && (other.network & mask(prefix)) == network;
  }

  private static long mask(int prefix) {
    return prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
  }
}
