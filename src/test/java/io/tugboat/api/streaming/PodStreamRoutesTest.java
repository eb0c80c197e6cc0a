package io.tugboat.api.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which container instance a log request reads, from the pod's status, as the kubelet picks it. */
class PodStreamRoutesTest {

  private static JsonNode pod(String containerStatus) throws Exception {
    return Json.MAPPER.readTree("{\"status\":{\"containerStatuses\":[" + containerStatus + "]}}");
  }

  @Test
  void aRunningContainerIsReadAndItsLastTerminatedOneIsPrevious() throws Exception {
    JsonNode pod = pod("{\"name\":\"app\",\"containerID\":\"tugboat://c2\",\"state\":{\"running\":{}},"
        + "\"lastState\":{\"terminated\":{\"exitCode\":1,\"containerID\":\"tugboat://c1\"}}}");
    assertEquals(Optional.of("c2"), PodStreamRoutes.instance(pod, "app", false));
    assertEquals(Optional.of("c1"), PodStreamRoutes.instance(pod, "app", true));
    assertEquals(Optional.empty(), PodStreamRoutes.instance(pod, "other", false));
  }

  @Test
  void aContainerWaitingToRestartIsReadFromItsLastTerminatedOne() throws Exception {
    JsonNode pod = pod("{\"name\":\"app\",\"state\":{\"waiting\":{\"reason\":\"CrashLoopBackOff\"}},"
        + "\"lastState\":{\"terminated\":{\"exitCode\":3,\"containerID\":\"containerd://c7\"}}}");
    assertEquals(Optional.of("c7"), PodStreamRoutes.instance(pod, "app", false));
    assertEquals(Optional.of("c7"), PodStreamRoutes.instance(pod, "app", true));
  }

  @Test
  void aTerminatedContainerIsReadAndNothingIsNamedWithoutAStatus() throws Exception {
    JsonNode pod = pod("{\"name\":\"app\",\"containerID\":\"tugboat://c4\",\"state\":{\"terminated\":"
        + "{\"exitCode\":0,\"containerID\":\"tugboat://c4\"}},\"lastState\":{}}");
    assertEquals(Optional.of("c4"), PodStreamRoutes.instance(pod, "app", false));
    assertEquals(Optional.empty(), PodStreamRoutes.instance(pod, "app", true));
    assertEquals(Optional.empty(), PodStreamRoutes.instance(Json.object(), "app", false));
  }
}
