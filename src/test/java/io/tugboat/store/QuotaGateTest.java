package io.tugboat.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ApiException;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class QuotaGateTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final RequestInfo REQUEST = RequestInfo.system("quota-gate-test", "create");
  private static final ResourceType PODS = ResourceRegistry.byPath("", "v1", "pods").orElseThrow();
  private static final ResourceType QUOTAS = ResourceRegistry.byPath("", "v1", "resourcequotas").orElseThrow();

  private final WatchCache cache = new WatchCache(1000);
  private final QuotaGate gate = new QuotaGate(cache);
  private long offset;

  private static ObjectNode named(String kind, String name) {
    ObjectNode obj = Json.object().put("apiVersion", "v1").put("kind", kind);
    obj.putObject("metadata").put("name", name).put("namespace", "d");
    return obj;
  }

  private static ObjectNode pod(String name) {
    ObjectNode p = named("Pod", name);
    p.putObject("spec").putArray("containers").addObject().put("name", "c");
    return p;
  }

  /** The cache learns of a created object, as the feeder would tell it. */
  private void cached(ResourceType type, ObjectNode obj) {
    String pid = "obj|" + type.storageKey() + "/d/" + Json.metaText(obj, "name");
    cache.apply(pid, 1, ++offset, new ObjectEntity.ObjectCreated(obj, REQUEST));
  }

  private String refusal(String name) {
    return assertThrows(ApiException.class, () -> gate.admit(PODS, pod(name), false, NOW)).error().message();
  }

  @Test
  void reservationsCountUntilTheCacheHoldsTheObjectAndOnlyOnceAfter() {
    ObjectNode quota = named("ResourceQuota", "two");
    quota.putObject("spec").putObject("hard").put("pods", "2");
    cached(QUOTAS, quota);

    Runnable releaseA = gate.admit(PODS, pod("a"), false, NOW);
    Runnable releaseB = gate.admit(PODS, pod("b"), false, NOW);
    String full = "pods \"c\" is forbidden: exceeded quota: two, requested: pods=1, used: pods=2, limited: pods=2";
    assertEquals(full, refusal("c"));

    cached(PODS, pod("a")); // a's write reached the cache; its create has not settled yet
    assertEquals(full, refusal("c"));
    releaseA.run();
    assertEquals(full, refusal("c"));

    releaseB.run(); // b's create failed: it never reaches the cache
    gate.admit(PODS, pod("c"), false, NOW);
  }

  @Test
  void aDryRunChecksButReservesNothingAndNoQuotaMeansNoCheck() {
    gate.admit(PODS, pod("free"), false, NOW); // no quota in the namespace
    ObjectNode quota = named("ResourceQuota", "one");
    quota.putObject("spec").putObject("hard").put("pods", "1");
    cached(QUOTAS, quota);
    gate.admit(PODS, pod("a"), true, NOW);
    gate.admit(PODS, pod("a"), true, NOW);
    gate.admit(PODS, pod("a"), false, NOW);
    assertEquals("pods \"b\" is forbidden: exceeded quota: one, requested: pods=1, used: pods=1, limited: pods=1",
        refusal("b"));
  }
}
