package io.tugboat.node;

import io.tugboat.runtime.ContainerRuntime;
import java.util.Map;

/**
 * What one node is and reports, fixed for the agent's life: its name and labels, capacity and allocatable
 * (quantities as Kubernetes writes them), addresses, status.nodeInfo, the pressure thresholds, the message its
 * Ready condition carries and how isolated its containers are (null: not reported, as for hollow nodes).
 */
public record NodeProfile(String name, Map<String, String> labels, Map<String, String> capacity,
    Map<String, String> allocatable, String internalIp, int kubeletPort, NodeInfo nodeInfo, Thresholds thresholds,
    String readyMessage, ContainerRuntime.Isolation isolation) {

  /** A profile that does not report its containers' isolation. */
  public NodeProfile(String name, Map<String, String> labels, Map<String, String> capacity,
      Map<String, String> allocatable, String internalIp, int kubeletPort, NodeInfo nodeInfo, Thresholds thresholds,
      String readyMessage) {
    this(name, labels, capacity, allocatable, internalIp, kubeletPort, nodeInfo, thresholds, readyMessage, null);
  }

  /** status.nodeInfo: versions of the kubelet and runtime, the OS and the architecture. */
  public record NodeInfo(String kubeletVersion, String osImage, String kernelVersion, String containerRuntimeVersion,
      String architecture, String operatingSystem, String machineId, String systemUuid, String bootId) {}

  /**
   * When pressure conditions turn True: available memory below memoryAvailable bytes, the data dir's free space
   * below diskAvailablePercent of it, free pids below pidAvailablePercent of pid_max.
   */
  public record Thresholds(long memoryAvailable, int diskAvailablePercent, int pidAvailablePercent) {}
}
