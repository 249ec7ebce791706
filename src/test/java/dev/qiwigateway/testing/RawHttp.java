package dev.qiwigateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Bytes over a plain socket, for requests no HTTP client would send. Blocking: call from a worker
 * thread (vertx.executeBlocking), never from an event loop.
 */
public final class RawHttp {

  private RawHttp() {
  }

  /** One response: status, headers (names lower-case) and a Content-Length body. */
  public record Answer(int status, Map<String, String> headers, String body) {
  }

  /** Sends {@code request} on a fresh connection and reads one response. */
  public static Answer exchange(int port, String request) throws IOException {
    try (Socket socket = open(port)) {
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return read(socket.getInputStream());
    }
  }

  /** As {@link #exchange}, but empty when the server closed the connection without answering. */
  public static java.util.Optional<Answer> exchangeOrClosed(int port, String request) throws IOException {
    try (Socket socket = open(port)) {
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      java.io.PushbackInputStream in = new java.io.PushbackInputStream(socket.getInputStream());
      int first;
      try {
        first = in.read();
      } catch (java.net.SocketException reset) {
        return java.util.Optional.empty();
      }
      if (first < 0) {
        return java.util.Optional.empty();
      }
      in.unread(first);
      return java.util.Optional.of(read(in));
    }
  }

  public static Socket open(int port) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    return socket;
  }

  public static Answer read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed before a whole response head: " + head);
      }
      head.write(b);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  /** True once the server has closed the connection (end of stream or reset) within the socket's timeout. */
  public static boolean closedByServer(Socket socket) throws IOException {
    try {
      return socket.getInputStream().read() < 0;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }
}
