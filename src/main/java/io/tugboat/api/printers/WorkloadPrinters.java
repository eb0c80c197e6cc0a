package io.tugboat.api.printers;

import static io.tugboat.api.printers.SwaggerDocs.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Columns of the workload kinds: ReplicationController, the apps and batch kinds, HorizontalPodAutoscaler. */
final class WorkloadPrinters {

  private static final String READY_DESCRIPTION = "Number of the pod with ready state";
  private static final String[] TEMPLATE_SPEC = {"spec", "template", "spec"};

  private WorkloadPrinters() {}

  static Printer replicationController() {
    return Printer.named()
        .integer("Desired", RC_SPEC_REPLICAS, (o, now) -> replicas(o))
        .integer("Current", RC_STATUS_REPLICAS, (o, now) -> Cells.integer(o.path("status").path("replicas")))
        .integer("Ready", RC_STATUS_READY_REPLICAS, (o, now) -> Cells.integer(o.path("status").path("readyReplicas")))
        .age()
        .containersAndImages(TEMPLATE_SPEC)
        .wide("Selector", RC_SPEC_SELECTOR, (o, now) -> Cells.labels(o.path("spec").path("selector")))
        .build();
  }

  static Printer replicaSet() {
    return Printer.named()
        .integer("Desired", REPLICA_SET_SPEC_REPLICAS, (o, now) -> replicas(o))
        .integer("Current", REPLICA_SET_STATUS_REPLICAS, (o, now) -> Cells.integer(o.path("status").path("replicas")))
        .integer("Ready", REPLICA_SET_STATUS_READY_REPLICAS,
            (o, now) -> Cells.integer(o.path("status").path("readyReplicas")))
        .age()
        .containersAndImages(TEMPLATE_SPEC)
        .wide("Selector", REPLICA_SET_SPEC_SELECTOR, (o, now) -> Cells.formatSelector(o.path("spec").path("selector")))
        .build();
  }

  static Printer deployment() {
    return Printer.named()
        .string("Ready", READY_DESCRIPTION, (o, now) -> readyOfDesired(o))
        .string("Up-to-date", DEPLOYMENT_STATUS_UPDATED_REPLICAS,
            (o, now) -> Cells.integer(o.path("status").path("updatedReplicas")))
        .string("Available", DEPLOYMENT_STATUS_AVAILABLE_REPLICAS,
            (o, now) -> Cells.integer(o.path("status").path("availableReplicas")))
        .age()
        .containersAndImages(TEMPLATE_SPEC)
        // printDeployment prints the selector's String(), which is empty rather than <none> for an empty one.
        .wide("Selector", DEPLOYMENT_SPEC_SELECTOR, (o, now) -> Cells.selector(o.path("spec").path("selector")))
        .build();
  }

  static Printer statefulSet() {
    return Printer.named()
        .string("Ready", READY_DESCRIPTION, (o, now) -> readyOfDesired(o))
        .age()
        .containersAndImages(TEMPLATE_SPEC)
        .build();
  }

  static Printer daemonSet() {
    return Printer.named()
        .integer("Desired", DAEMON_SET_STATUS_DESIRED_NUMBER_SCHEDULED, (o, now) -> status(o, "desiredNumberScheduled"))
        .integer("Current", DAEMON_SET_STATUS_CURRENT_NUMBER_SCHEDULED, (o, now) -> status(o, "currentNumberScheduled"))
        .integer("Ready", DAEMON_SET_STATUS_NUMBER_READY, (o, now) -> status(o, "numberReady"))
        .integer("Up-to-date", DAEMON_SET_STATUS_UPDATED_NUMBER_SCHEDULED,
            (o, now) -> status(o, "updatedNumberScheduled"))
        .integer("Available", DAEMON_SET_STATUS_NUMBER_AVAILABLE, (o, now) -> status(o, "numberAvailable"))
        .string("Node Selector", POD_SPEC_NODE_SELECTOR,
            (o, now) -> Cells.labels(Cells.at(o, TEMPLATE_SPEC).path("nodeSelector")))
        .age()
        .containersAndImages(TEMPLATE_SPEC)
        .wide("Selector", DAEMON_SET_SPEC_SELECTOR, (o, now) -> Cells.formatSelector(o.path("spec").path("selector")))
        .build();
  }

  static Printer controllerRevision() {
    return Printer.named()
        .string("Controller", "Controller of the object", (o, now) -> controllerOf(o))
        .string("Revision", CONTROLLER_REVISION_REVISION, (o, now) -> Cells.integer(o.path("revision")))
        .age()
        .build();
  }

  static Printer job() {
    return Printer.named()
        .string("Status", "Status of the job.", (o, now) -> jobStatus(o))
        .string("Completions", JOB_STATUS_SUCCEEDED, (o, now) -> completions(o))
        .string("Duration", "Time required to complete the job.", WorkloadPrinters::jobDuration)
        .age()
        .containersAndImages(TEMPLATE_SPEC)
        .wide("Selector", JOB_SPEC_SELECTOR, (o, now) -> Cells.formatSelector(o.path("spec").path("selector")))
        .build();
  }

  static Printer cronJob() {
    String[] jobTemplate = {"spec", "jobTemplate", "spec"};
    return Printer.named()
        .string("Schedule", CRON_JOB_SPEC_SCHEDULE, (o, now) -> Cells.text(o.path("spec").path("schedule")))
        .string("Timezone", CRON_JOB_SPEC_TIME_ZONE, (o, now) -> Cells.textOr(o.path("spec").path("timeZone"),
            Cells.NONE))
        .add("Suspend", "boolean", "", CRON_JOB_SPEC_SUSPEND, 0,
            (o, now) -> Cells.boolPtr(o.path("spec").path("suspend")))
        .integer("Active", CRON_JOB_STATUS_ACTIVE, (o, now) -> (long) o.path("status").path("active").size())
        .string("Last Schedule", CRON_JOB_STATUS_LAST_SCHEDULE_TIME, (o, now) -> {
          JsonNode last = o.path("status").path("lastScheduleTime");
          return Cells.instant(last) == null ? Cells.NONE : Cells.since(last, now);
        })
        .age()
        .containersAndImages("spec", "jobTemplate", "spec", "template", "spec")
        .wide("Selector", JOB_SPEC_SELECTOR,
            (o, now) -> Cells.formatSelector(Cells.at(o, jobTemplate).path("selector")))
        .build();
  }

  static Printer horizontalPodAutoscaler() {
    return Printer.named()
        .string("Reference", HPA_SPEC_SCALE_TARGET_REF, (o, now) -> {
          JsonNode ref = o.path("spec").path("scaleTargetRef");
          return Cells.text(ref.path("kind")) + "/" + Cells.text(ref.path("name"));
        })
        .string("Targets", HPA_SPEC_METRICS, (o, now) -> HpaTargets.format(o))
        .string("MinPods", HPA_SPEC_MIN_REPLICAS, (o, now) -> {
          JsonNode min = o.path("spec").path("minReplicas");
          return min.isNumber() ? Long.toString(min.asLong()) : Cells.UNSET;
        })
        .string("MaxPods", HPA_SPEC_MAX_REPLICAS, (o, now) -> Cells.integer(o.path("spec").path("maxReplicas")))
        .string("Replicas", HPA_STATUS_CURRENT_REPLICAS,
            (o, now) -> Cells.integer(o.path("status").path("currentReplicas")))
        .age()
        .build();
  }

  /** spec.replicas as defaulted by the API server (1 when absent). */
  private static Long replicas(JsonNode o) {
    return o.path("spec").path("replicas").asLong(1);
  }

  private static Long status(JsonNode o, String field) {
    return Cells.integer(o.path("status").path(field));
  }

  private static String readyOfDesired(JsonNode o) {
    return o.path("status").path("readyReplicas").asLong(0) + "/" + replicas(o);
  }

  /** The controlling owner as "kind.group/name" in lower case, as formatResourceName prints it. */
  private static String controllerOf(JsonNode o) {
    for (JsonNode ref : o.path("metadata").path("ownerReferences")) {
      if (ref.path("controller").asBoolean(false)) {
        String apiVersion = Json.text(ref.path("apiVersion"));
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String kind = Json.text(ref.path("kind"));
        String name = Json.text(ref.path("name"));
        if (kind.isEmpty() && group.isEmpty()) {
          return name;
        }
        return (group.isEmpty() ? kind : kind + "." + group).toLowerCase(Locale.ROOT) + "/" + name;
      }
    }
    return Cells.NONE;
  }

  private static String jobStatus(JsonNode o) {
    JsonNode conditions = o.path("status").path("conditions");
    if (jobCondition(conditions, "Complete")) {
      return "Complete";
    } else if (jobCondition(conditions, "Failed")) {
      return "Failed";
    } else if (o.path("metadata").hasNonNull("deletionTimestamp")) {
      return "Terminating";
    } else if (jobCondition(conditions, "Suspended")) {
      return "Suspended";
    } else if (jobCondition(conditions, "FailureTarget")) {
      return "FailureTarget";
    }
    return "Running";
  }

  /** Whether the first condition of this type is True. */
  private static boolean jobCondition(JsonNode conditions, String type) {
    for (JsonNode c : conditions) {
      if (type.equals(Json.text(c.path("type")))) {
        return "True".equals(Json.text(c.path("status")));
      }
    }
    return false;
  }

  private static String completions(JsonNode o) {
    long succeeded = o.path("status").path("succeeded").asLong(0);
    JsonNode completions = o.path("spec").path("completions");
    if (completions.isNumber()) {
      return succeeded + "/" + completions.asLong();
    }
    long parallelism = o.path("spec").path("parallelism").asLong(0);
    return parallelism > 1 ? succeeded + "/1 of " + parallelism : succeeded + "/1";
  }

  private static String jobDuration(JsonNode o, Instant now) {
    Instant start = Cells.instant(o.path("status").path("startTime"));
    Instant completion = Cells.instant(o.path("status").path("completionTime"));
    if (start == null) {
      return "";
    }
    return HumanDuration.format(Duration.between(start, completion == null ? now : completion));
  }

  /** formatHPAMetrics: each metric as "current/target", at most two, then "+ N more...". */
  static final class HpaTargets {
    private static final int MAX = 2;

    private HpaTargets() {}

    static String format(JsonNode hpa) {
      JsonNode specs = hpa.path("spec").path("metrics");
      JsonNode statuses = hpa.path("status").path("currentMetrics");
      if (specs.isEmpty()) {
        return Cells.NONE;
      }
      List<String> list = new ArrayList<>();
      for (int i = 0; i < specs.size(); i++) {
        JsonNode spec = specs.get(i);
        // Kubernetes pairs spec and status by position, not by name.
        JsonNode status = i < statuses.size() ? statuses.get(i) : Json.object();
        list.add(metric(spec, status));
      }
      if (list.size() > MAX) {
        return String.join(", ", list.subList(0, MAX)) + " + " + (list.size() - MAX) + " more...";
      }
      return String.join(", ", list);
    }

    private static String metric(JsonNode spec, JsonNode status) {
      String type = Json.text(spec.path("type"));
      return switch (type) {
        case "External" -> valueOrAverage(spec.path("external"), status.path("external"));
        case "Object" -> valueOrAverage(spec.path("object"), status.path("object"));
        case "Pods" -> current(status.path("pods"), "averageValue") + "/"
            + quantity(spec.path("pods").path("target").path("averageValue"));
        case "Resource" -> resource(spec.path("resource"), status.path("resource"));
        case "ContainerResource" -> resource(spec.path("containerResource"), status.path("containerResource"));
        default -> "<unknown type>";
      };
    }

    private static String valueOrAverage(JsonNode spec, JsonNode status) {
      JsonNode target = spec.path("target");
      if (target.hasNonNull("averageValue")) {
        String current = status.path("current").hasNonNull("averageValue")
            ? Json.text(status.path("current").path("averageValue")) : Cells.UNKNOWN;
        return current + "/" + Json.text(target.path("averageValue")) + " (avg)";
      }
      return current(status, "value") + "/" + quantity(target.path("value"));
    }

    private static String resource(JsonNode spec, JsonNode status) {
      String name = Json.text(spec.path("name"));
      JsonNode target = spec.path("target");
      if (target.hasNonNull("averageValue")) {
        return name + ": " + current(status, "averageValue") + "/" + Json.text(target.path("averageValue"));
      }
      JsonNode utilization = status.path("current").path("averageUtilization");
      String current = status.isObject() && utilization.isNumber() ? utilization.asLong() + "%" : Cells.UNKNOWN;
      JsonNode want = target.path("averageUtilization");
      return name + ": " + current + "/" + (want.isNumber() ? want.asLong() + "%" : "<auto>");
    }

    /** A current value of a metric status, "<unknown>" when the status has no such metric. */
    private static String current(JsonNode status, String field) {
      return status.isObject() ? quantity(status.path("current").path(field)) : Cells.UNKNOWN;
    }

    /** A quantity as Go prints a *resource.Quantity: "<nil>" when absent. */
    private static String quantity(JsonNode q) {
      return Cells.textOr(q, "<nil>");
    }
  }
}
