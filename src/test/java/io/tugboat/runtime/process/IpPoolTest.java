package io.tugboat.runtime.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IpPoolTest {

  @Test
  void handsOutHostsAfterTheGateway() {
    IpPool pool = new IpPool("10.244.0.0/24");
    assertEquals("10.244.0.1", pool.gateway());
    assertEquals(24, pool.prefix());
    assertEquals("10.244.0.2", pool.allocate());
    assertEquals("10.244.0.3", pool.allocate());
  }

  @Test
  void neverHandsOutAReservedAddress() {
    IpPool pool = new IpPool("10.244.0.0/24");
    assertTrue(pool.reserve("10.244.0.2"));
    assertTrue(pool.reserve("10.244.0.4"));
    assertEquals("10.244.0.3", pool.allocate());
    assertEquals("10.244.0.5", pool.allocate());
    assertFalse(pool.reserve("10.245.0.9"));
    assertFalse(pool.reserve("10.244.0.1"), "the gateway is never a pod's");
  }

  @Test
  void aReleasedAddressIsNotReusedAtOnce() {
    IpPool pool = new IpPool("10.244.0.0/24");
    String first = pool.allocate();
    pool.release(first);
    assertNotEquals(first, pool.allocate());
  }

  @Test
  void fillsTheWholeRangeWithoutDuplicatesThenSaysSo() {
    IpPool pool = new IpPool("10.1.2.0/28"); // .2 to .14
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 13; i++) {
      assertTrue(seen.add(pool.allocate()));
    }
    assertFalse(seen.contains("10.1.2.15"), "broadcast");
    IllegalStateException e = assertThrows(IllegalStateException.class, pool::allocate);
    assertTrue(e.getMessage().contains("10.1.2.0/28"), e.getMessage());
    pool.release("10.1.2.9");
    assertEquals("10.1.2.9", pool.allocate());
  }

  @Test
  void rejectsRangesItCannotUse() {
    assertThrows(IllegalArgumentException.class, () -> new IpPool("10.0.0.0"));
    assertThrows(IllegalArgumentException.class, () -> new IpPool("10.0.0.0/8"));
    assertThrows(IllegalArgumentException.class, () -> new IpPool("10.0.0.0/31"));
  }
}
