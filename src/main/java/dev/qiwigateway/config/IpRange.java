package dev.qiwigateway.config;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** One CIDR block of an allow-list, e.g. QIWI's 91.232.230.0/23. */
public record IpRange(String cidr, BigInteger network, int prefixLength, int addressBits) {

  /** Parses literal addresses only: a host name here would mean a DNS lookup on every check. */
  public static IpRange parse(String cidr) {
    String[] parts = cidr.trim().split("/", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException("not a CIDR block: '" + cidr + "'");
    }
    byte[] bytes = literal(parts[0]);
    int bits = bytes.length * 8;
    int prefix;
    try {
      prefix = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a CIDR block: '" + cidr + "'");
    }
    if (prefix < 0 || prefix > bits) {
      throw new IllegalArgumentException("prefix out of range in '" + cidr + "'");
    }
    return new IpRange(cidr.trim(), mask(new BigInteger(1, bytes), prefix, bits), prefix, bits);
  }

  public boolean contains(String address) {
    byte[] bytes;
    try {
      bytes = literal(address);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return bytes.length * 8 == addressBits && mask(new BigInteger(1, bytes), prefixLength, addressBits).equals(network);
  }

  /** Never resolves names: IPv4 is parsed by hand, and Java treats text with ':' as an IPv6 literal. */
  private static byte[] literal(String address) {
    if (address != null && address.matches("(\\d{1,3}\\.){3}\\d{1,3}")) {
      String[] octets = address.split("\\.");
      byte[] bytes = new byte[4];
      for (int i = 0; i < 4; i++) {
        int octet = Integer.parseInt(octets[i]);
        if (octet > 255) {
          throw new IllegalArgumentException("not an IP address literal: '" + address + "'");
        }
        bytes[i] = (byte) octet;
      }
      return bytes;
    }
    if (address != null && address.contains(":") && address.matches("[0-9A-Fa-f:.]+")) {
      try {
        return InetAddress.getByName(address).getAddress();
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("not an IP address literal: '" + address + "'");
      }
    }
    throw new IllegalArgumentException("not an IP address literal: '" + address + "'");
  }

  private static BigInteger mask(BigInteger value, int prefix, int bits) {
    return value.shiftRight(bits - prefix).shiftLeft(bits - prefix);
  }
}
