package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import java.util.Optional;

/**
 * A Job's spec.podFailurePolicy applied to one failed pod (matchPodFailurePolicy): the first rule that matches
 * decides. onExitCodes looks at terminated containers (init and regular, optionally one containerName) with a
 * non-zero exit code, In or NotIn the values; onPodConditions at the pod's conditions (status True unless named).
 */
public final class JobFailurePolicy {

  /** What a rule does with the failed pod. */
  public enum Action { FAIL_JOB, IGNORE, COUNT, FAIL_INDEX }

  /** The rule that matched, and the message Kubernetes writes for a FailJob. */
  public record Match(Action action, String message) {}

  private JobFailurePolicy() {}

  /** The action of the first matching rule, if any (no policy or no match: the failure counts). */
  public static Optional<Match> match(JsonNode policy, JsonNode pod) {
    JsonNode rules = policy == null ? null : policy.path("rules");
    if (rules == null || !rules.isArray()) {
      return Optional.empty();
    }
    String podName = Json.metaText(pod, "namespace") + "/" + Json.metaText(pod, "name");
    int index = 0;
    for (JsonNode rule : rules) {
      Action action = action(Json.text(rule.path("action")));
      String actionName = Json.text(rule.path("action"));
      if (action != null && rule.path("onExitCodes").isObject()) {
        Optional<String[]> hit = exitCodeMatch(rule.path("onExitCodes"), pod);
        if (hit.isPresent()) {
          return Optional.of(new Match(action, String.format("Container %s for pod %s failed with exit code %s "
              + "matching %s rule at index %d", hit.get()[0], podName, hit.get()[1], actionName, index)));
        }
      } else if (action != null && rule.path("onPodConditions").isArray()) {
        for (JsonNode want : rule.path("onPodConditions")) {
          String type = Json.text(want.path("type"));
          String status = want.hasNonNull("status") ? Json.text(want.path("status")) : "True";
          for (JsonNode c : pod.path("status").path("conditions")) {
            if (type.equals(Json.text(c.path("type"))) && status.equals(Json.text(c.path("status")))) {
              return Optional.of(new Match(action, String.format("Pod %s has condition %s matching %s rule at "
                  + "index %d", podName, type, actionName, index)));
            }
          }
        }
      }
      index++;
    }
    return Optional.empty();
  }

  private static Action action(String name) {
    return switch (name) {
      case "FailJob" -> Action.FAIL_JOB;
      case "Ignore" -> Action.IGNORE;
      case "Count" -> Action.COUNT;
      case "FailIndex" -> Action.FAIL_INDEX;
      default -> null;
    };
  }

  /** {container name, exit code} of the first terminated container whose non-zero code the requirement matches. */
  private static Optional<String[]> exitCodeMatch(JsonNode req, JsonNode pod) {
    String container = Json.text(req.path("containerName"));
    boolean in = !"NotIn".equals(Json.text(req.path("operator")));
    for (String list : new String[] {"initContainerStatuses", "containerStatuses"}) {
      for (JsonNode cs : pod.path("status").path(list)) {
        JsonNode terminated = cs.path("state").path("terminated");
        if (!terminated.isObject() || (!container.isEmpty() && !container.equals(Json.text(cs.path("name"))))) {
          continue;
        }
        int code = terminated.path("exitCode").asInt(0);
        if (code == 0) {
          continue;
        }
        boolean listed = false;
        for (JsonNode v : req.path("values")) {
          listed |= v.asInt() == code;
        }
        if (listed == in) {
          return Optional.of(new String[] {Json.text(cs.path("name")), Integer.toString(code)});
        }
      }
    }
    return Optional.empty();
  }
}
