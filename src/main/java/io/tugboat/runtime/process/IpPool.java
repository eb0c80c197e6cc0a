package io.tugboat.runtime.process;

import java.util.BitSet;

/**
 * The pod IPs of a node's range (an IPv4 CIDR of /16 to /30): the first address after the network is the bridge's
 * gateway, the rest up to the one before broadcast go to sandboxes. Never hands out an address still reserved;
 * addresses found in use at start-up are {@link #reserve reserved} before anything is allocated.
 */
public final class IpPool {
  private final int network;
  private final int prefix;
  private final int size;
  private final BitSet used;
  private int next = 2;

  /** The pool of {@code cidr}, e.g. "10.244.0.0/24". */
  public IpPool(String cidr) {
    String[] parts = cidr.trim().split("/");
    if (parts.length != 2) {
      throw new IllegalArgumentException("pod CIDR \"" + cidr + "\" is not address/prefix");
    }
    prefix = Integer.parseInt(parts[1]);
    if (prefix < 16 || prefix > 30) {
      throw new IllegalArgumentException("pod CIDR \"" + cidr + "\" must be /16 to /30");
    }
    size = 1 << (32 - prefix);
    network = toInt(parts[0]) & (int) (0xffffffffL << (32 - prefix));
    used = new BitSet(size);
  }

  /** The prefix length ("24"). */
  public int prefix() {
    return prefix;
  }

  /** The gateway (the bridge's address): the network's first host. */
  public String gateway() {
    return toString(network + 1);
  }

  /** Allocates the next free address, going round the range so a released address is not reused at once. */
  public synchronized String allocate() {
    int hosts = size - 3;
    for (int i = 0; i < hosts; i++) {
      int candidate = 2 + (next - 2 + i) % hosts;
      if (!used.get(candidate)) {
        used.set(candidate);
        next = candidate + 1;
        return toString(network + candidate);
      }
    }
    throw new IllegalStateException("no pod IP left in " + toString(network) + "/" + prefix);
  }

  /** Marks an address in use (one a sandbox of an earlier run still holds); false if outside the range. */
  public synchronized boolean reserve(String ip) {
    int offset = toInt(ip) - network;
    if (offset < 2 || offset >= size - 1) {
      return false;
    }
    used.set(offset);
    return true;
  }

  /** Frees an address. */
  public synchronized void release(String ip) {
    int offset = toInt(ip) - network;
    if (offset >= 0 && offset < size) {
      used.clear(offset);
    }
  }

  /** How many addresses are handed out. */
  public synchronized int inUse() {
    return used.cardinality();
  }

  static int toInt(String ip) {
    String[] o = ip.trim().split("\\.");
    if (o.length != 4) {
      throw new IllegalArgumentException("\"" + ip + "\" is not an IPv4 address");
    }
    int v = 0;
    for (String s : o) {
      int b = Integer.parseInt(s);
      if (b < 0 || b > 255) {
        throw new IllegalArgumentException("\"" + ip + "\" is not an IPv4 address");
      }
      v = (v << 8) | b;
    }
    return v;
  }

  static String toString(int v) {
    return ((v >>> 24) & 255) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255);
  }
}
