package io.tugboat.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tugboat.model.ApiException;
import io.tugboat.store.ObjectKey;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pure parts of the audit reader: naming an object as kubectl does, and parsing --since. */
class AuditLogTest {

  @ParameterizedTest
  @ValueSource(strings = {"deployment/web", "deploy/web", "deployments/web", "deployments.apps/web",
      "Deployment/web", "deployment.apps/web"})
  void resolvesTheWaysKubectlNamesADeployment(String object) {
    ObjectKey key = AuditLog.resolve(object, "default");
    assertEquals(new ObjectKey("apps/deployments", "default", "web"), key);
    assertEquals("obj|apps/deployments/default/web", key.persistenceId());
  }

  @Test
  void resolvesClusterScopedKindsWithoutTheNamespace() {
    assertEquals(new ObjectKey("core/namespaces", "", "x"), AuditLog.resolve("ns/x", "default"));
    assertEquals(new ObjectKey("core/namespaces", "", "x"), AuditLog.resolve("namespace/x", "default"));
  }

  @Test
  void resolvesCoreAndDottedGroups() {
    assertEquals(new ObjectKey("core/configmaps", "team", "cfg"), AuditLog.resolve("cm/cfg", "team"));
    assertEquals(new ObjectKey("networking.k8s.io/ingresses", "team", "web"),
        AuditLog.resolve("ingresses.networking.k8s.io/web", "team"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"web", "deployment/", "/web", "deployments.batch/web", "widgets/web"})
  void rejectsWhatDoesNotNameAnObject(String object) {
    ApiException e = assertThrows(ApiException.class, () -> AuditLog.resolve(object, "default"));
    assertEquals(400, e.error().code());
  }

  @Test
  void parsesDurationsAndTheirCombinations() {
    assertEquals(Duration.ofSeconds(90), AuditLog.parseDuration("90s"));
    assertEquals(Duration.ofMinutes(30), AuditLog.parseDuration("30m"));
    assertEquals(Duration.ofHours(2), AuditLog.parseDuration("2h"));
    assertEquals(Duration.ofDays(1), AuditLog.parseDuration("1d"));
    assertEquals(Duration.ofMinutes(90), AuditLog.parseDuration("1h30m"));
    assertEquals(Duration.ofDays(1).plusHours(2).plusMinutes(3).plusSeconds(4), AuditLog.parseDuration("1d2h3m4s"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "30", "m", "10x", "1h 30m", "1.5h", "-1h", "1h30", "99999999999999999999s",
      "999999999999999999d"})
  void rejectsMalformedDurations(String text) {
    ApiException e = assertThrows(ApiException.class, () -> AuditLog.parseDuration(text));
    assertEquals(400, e.error().code());
    assertTrue(e.error().message().contains("invalid duration"), e.error().message());
  }
}
