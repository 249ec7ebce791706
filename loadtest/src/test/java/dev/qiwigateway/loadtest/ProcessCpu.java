package dev.qiwigateway.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time (user + system) the kernel has charged to a process, read from Linux's /proc. On a
 * machine shared with other work, throughput and latency depend on what else runs; the CPU each
 * component spends per notification does not, so the scripts report it next to the rates.
 */
final class ProcessCpu {

  private static final long TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture the JVM supports

  private ProcessCpu() {
  }

  /** The process's own CPU time in ms, or -1 when it cannot be read (no /proc, process gone). */
  static long ownMs(long pid) {
    long[] fields = stat(pid);
    return fields == null ? -1 : (fields[0] + fields[1]) * 1000 / TICKS_PER_SECOND;
  }

  /**
   * A server and all its workers: its own time, what its finished children left (PostgreSQL's
   * postmaster reaps every backend, so their time lands there), and the live children's time.
   */
  static long treeMs(long pid) {
    long[] fields = stat(pid);
    if (fields == null) {
      return -1;
    }
    long ticks = fields[0] + fields[1] + fields[2] + fields[3];
    List<ProcessHandle> children = ProcessHandle.of(pid).map(p -> p.children().toList()).orElse(List.of());
    for (ProcessHandle child : children) {
      long[] c = stat(child.pid());
      if (c != null) {
        ticks += c[0] + c[1];
      }
    }
    return ticks * 1000 / TICKS_PER_SECOND;
  }

  /** utime, stime, cutime, cstime (fields 14-17 of /proc/PID/stat), in clock ticks. */
  private static long[] stat(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name (field 2) may contain spaces; the fields after it start past its ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
