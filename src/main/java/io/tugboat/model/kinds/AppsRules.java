package io.tugboat.model.kinds;

import static io.tugboat.model.kinds.Fields.has;
import static io.tugboat.model.kinds.Fields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.FieldError;
import io.tugboat.model.KindRules;
import java.util.ArrayList;
import java.util.List;

/** Admission of the apps/v1 workloads and ReplicationController: defaults, selector/template checks, immutability. */
public final class AppsRules {

  /** Deployment rules. */
  public static final KindRules DEPLOYMENT = new Deployment();
  /** ReplicaSet rules. */
  public static final KindRules REPLICA_SET = new ReplicaSet();
  /** DaemonSet rules. */
  public static final KindRules DAEMON_SET = new DaemonSet();
  /** StatefulSet rules. */
  public static final KindRules STATEFUL_SET = new StatefulSet();
  /** ReplicationController (core/v1) rules. */
  public static final KindRules REPLICATION_CONTROLLER = new ReplicationController();

  private static final List<String> ALWAYS = List.of("Always");

  private AppsRules() {}

  /** Rules shared by the apps/v1 kinds: template defaults and an immutable selector. */
  private abstract static class AppsKind implements KindRules {
    @Override
    public void applyDefaults(ObjectNode obj) {
      Templates.defaultTemplate(obj.path("spec").get("template"));
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
      JsonNode spec = obj.path("spec");
      List<FieldError> errs = new ArrayList<>();
      Fields.nonNegative(errs, spec, "replicas", "spec.replicas");
      Fields.nonNegative(errs, spec, "minReadySeconds", "spec.minReadySeconds");
      Fields.nonNegative(errs, spec, "revisionHistoryLimit", "spec.revisionHistoryLimit");
      errs.addAll(Templates.selector(spec, "spec.selector"));
      errs.addAll(Templates.template(spec.get("template"), spec.get("selector"), "spec.template", ALWAYS));
      if (has(spec.path("template").path("spec"), "activeDeadlineSeconds")) {
        errs.add(FieldError.invalid("spec.template.spec.activeDeadlineSeconds",
            spec.path("template").path("spec").get("activeDeadlineSeconds").asLong(),
            "activeDeadlineSeconds in " + getClass().getSimpleName().replace("Deployment", "ReplicaSet") + " is not Supported"));
      }
      return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
      List<FieldError> errs = new ArrayList<>();
      Templates.immutable(errs, obj.path("spec").path("selector"), old.path("spec").path("selector"), "spec.selector");
      return errs;
    }
  }

  /** Deployment: replicas, RollingUpdate 25%/25%, history 10, progress deadline 600s. */
  private static final class Deployment extends AppsKind {
    @Override
    public void applyDefaults(ObjectNode obj) {
      super.applyDefaults(obj);
      ObjectNode spec = Fields.object(obj, "spec");
      Fields.defaultInt(spec, "replicas", 1);
      ObjectNode strategy = Fields.object(spec, "strategy");
      Fields.defaultText(strategy, "type", "RollingUpdate");
      if (text(strategy, "type").equals("RollingUpdate")) {
        ObjectNode rolling = Fields.object(strategy, "rollingUpdate");
        Fields.defaultText(rolling, "maxUnavailable", "25%");
        Fields.defaultText(rolling, "maxSurge", "25%");
      }
      Fields.defaultInt(spec, "revisionHistoryLimit", 10);
      Fields.defaultInt(spec, "progressDeadlineSeconds", 600);
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
      List<FieldError> errs = super.validate(obj);
      JsonNode spec = obj.path("spec");
      JsonNode strategy = spec.path("strategy");
      Fields.oneOf(errs, strategy, "type", "spec.strategy.type", List.of("Recreate", "RollingUpdate"));
      if (text(strategy, "type").equals("Recreate") && has(strategy, "rollingUpdate")) {
        errs.add(FieldError.forbidden("spec.strategy.rollingUpdate",
            "may not be specified when strategy `type` is 'Recreate'"));
      }
      if (text(strategy, "type").equals("RollingUpdate")) {
        String at = "spec.strategy.rollingUpdate";
        JsonNode rolling = strategy.path("rollingUpdate");
        IntOrPercent.validatePositive(errs, rolling.get("maxUnavailable"), at + ".maxUnavailable");
        IntOrPercent.validatePositive(errs, rolling.get("maxSurge"), at + ".maxSurge");
        if (IntOrPercent.isZero(rolling.get("maxUnavailable")) && IntOrPercent.isZero(rolling.get("maxSurge"))) {
          errs.add(FieldError.invalid(at + ".maxUnavailable", IntOrPercent.show(rolling.get("maxUnavailable")),
              "may not be 0 when `maxSurge` is 0"));
        }
        IntOrPercent.notMoreThan100(errs, rolling.get("maxUnavailable"), at + ".maxUnavailable");
      }
      if (has(spec, "progressDeadlineSeconds")) {
        long deadline = spec.get("progressDeadlineSeconds").asLong();
        if (deadline <= spec.path("minReadySeconds").asLong(0)) {
          errs.add(FieldError.invalid("spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds"));
        }
      }
      return errs;
    }
  }

  /** ReplicaSet: replicas 1. */
  private static final class ReplicaSet extends AppsKind {
    @Override
    public void applyDefaults(ObjectNode obj) {
      super.applyDefaults(obj);
      Fields.defaultInt(Fields.object(obj, "spec"), "replicas", 1);
    }
  }

  /** DaemonSet: RollingUpdate with maxUnavailable 1 and maxSurge 0, history 10. */
  private static final class DaemonSet extends AppsKind {
    @Override
    public void applyDefaults(ObjectNode obj) {
      super.applyDefaults(obj);
      ObjectNode spec = Fields.object(obj, "spec");
      ObjectNode strategy = Fields.object(spec, "updateStrategy");
      Fields.defaultText(strategy, "type", "RollingUpdate");
      if (text(strategy, "type").equals("RollingUpdate")) {
        ObjectNode rolling = Fields.object(strategy, "rollingUpdate");
        Fields.defaultInt(rolling, "maxUnavailable", 1);
        Fields.defaultInt(rolling, "maxSurge", 0);
      }
      Fields.defaultInt(spec, "revisionHistoryLimit", 10);
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
      List<FieldError> errs = super.validate(obj);
      JsonNode strategy = obj.path("spec").path("updateStrategy");
      Fields.oneOf(errs, strategy, "type", "spec.updateStrategy.type", List.of("OnDelete", "RollingUpdate"));
      if (text(strategy, "type").equals("RollingUpdate")) {
        String at = "spec.updateStrategy.rollingUpdate";
        JsonNode rolling = strategy.path("rollingUpdate");
        IntOrPercent.validatePositive(errs, rolling.get("maxUnavailable"), at + ".maxUnavailable");
        IntOrPercent.validatePositive(errs, rolling.get("maxSurge"), at + ".maxSurge");
        if (IntOrPercent.isZero(rolling.get("maxUnavailable")) && IntOrPercent.isZero(rolling.get("maxSurge"))) {
          errs.add(FieldError.invalid(at + ".maxUnavailable", IntOrPercent.show(rolling.get("maxUnavailable")),
              "cannot be 0 when maxSurge is 0"));
        }
        IntOrPercent.notMoreThan100(errs, rolling.get("maxUnavailable"), at + ".maxUnavailable");
      }
      return errs;
    }
  }

  /** StatefulSet: OrderedReady, RollingUpdate partition 0, PVC retention Retain/Retain; most of spec immutable. */
  private static final class StatefulSet extends AppsKind {
    private static final List<String> MUTABLE = List.of("replicas", "ordinals", "template", "updateStrategy",
        "persistentVolumeClaimRetentionPolicy", "minReadySeconds");

    @Override
    public void applyDefaults(ObjectNode obj) {
      super.applyDefaults(obj);
      ObjectNode spec = Fields.object(obj, "spec");
      Fields.defaultInt(spec, "replicas", 1);
      Fields.defaultText(spec, "podManagementPolicy", "OrderedReady");
      ObjectNode strategy = Fields.object(spec, "updateStrategy");
      Fields.defaultText(strategy, "type", "RollingUpdate");
      if (text(strategy, "type").equals("RollingUpdate")) {
        Fields.defaultInt(Fields.object(strategy, "rollingUpdate"), "partition", 0);
      }
      Fields.defaultInt(spec, "revisionHistoryLimit", 10);
      ObjectNode retention = Fields.object(spec, "persistentVolumeClaimRetentionPolicy");
      Fields.defaultText(retention, "whenDeleted", "Retain");
      Fields.defaultText(retention, "whenScaled", "Retain");
      for (ObjectNode claim : Fields.objects(spec, "volumeClaimTemplates")) {
        CoreRules.defaultClaim(claim);
      }
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
      List<FieldError> errs = super.validate(withClaimVolumes(obj));
      JsonNode spec = obj.path("spec");
      Fields.oneOf(errs, spec, "podManagementPolicy", "spec.podManagementPolicy", List.of("OrderedReady", "Parallel"));
      JsonNode strategy = spec.path("updateStrategy");
      Fields.oneOf(errs, strategy, "type", "spec.updateStrategy.type", List.of("OnDelete", "RollingUpdate"));
      Fields.nonNegative(errs, strategy.path("rollingUpdate"), "partition", "spec.updateStrategy.rollingUpdate.partition");
      JsonNode maxUnavailable = strategy.path("rollingUpdate").get("maxUnavailable");
      String muPath = "spec.updateStrategy.rollingUpdate.maxUnavailable";
      IntOrPercent.validatePositive(errs, maxUnavailable, muPath);
      IntOrPercent.notMoreThan100(errs, maxUnavailable, muPath);
      if (maxUnavailable != null && !maxUnavailable.isNull() && IntOrPercent.isZero(maxUnavailable)) {
        errs.add(FieldError.invalid(muPath, IntOrPercent.show(maxUnavailable), "must be greater than 0"));
      }
      JsonNode retention = spec.path("persistentVolumeClaimRetentionPolicy");
      Fields.oneOf(errs, retention, "whenDeleted", "spec.persistentVolumeClaimRetentionPolicy.whenDeleted",
          List.of("Retain", "Delete"));
      Fields.oneOf(errs, retention, "whenScaled", "spec.persistentVolumeClaimRetentionPolicy.whenScaled",
          List.of("Retain", "Delete"));
      return errs;
    }

    /**
     * The set as its pods will be: each volumeClaimTemplate a persistentVolumeClaim volume of the template, so
     * volumeMounts may name claim templates (Kubernetes does not check the template's volumes at all).
     */
    private static ObjectNode withClaimVolumes(ObjectNode obj) {
      JsonNode claims = obj.path("spec").path("volumeClaimTemplates");
      JsonNode podSpec = obj.path("spec").path("template").path("spec");
      if (!claims.isArray() || claims.isEmpty() || !podSpec.isObject()) {
        return obj;
      }
      ObjectNode copy = obj.deepCopy();
      com.fasterxml.jackson.databind.node.ArrayNode volumes =
          ((ObjectNode) copy.path("spec").path("template").path("spec")).withArray("volumes");
      List<String> named = new ArrayList<>();
      volumes.forEach(v -> named.add(v.path("name").asText()));
      for (JsonNode c : claims) {
        String name = c.path("metadata").path("name").asText();
        if (!name.isEmpty() && !named.contains(name)) {
          ObjectNode v = volumes.addObject();
          v.put("name", name);
          v.putObject("persistentVolumeClaim").put("claimName", name);
        }
      }
      return copy;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
      List<FieldError> errs = new ArrayList<>();
      ObjectNode now = obj.path("spec").isObject() ? ((ObjectNode) obj.get("spec")).deepCopy() : obj.objectNode();
      ObjectNode before = old.path("spec").isObject() ? ((ObjectNode) old.get("spec")).deepCopy() : obj.objectNode();
      now.remove(MUTABLE);
      before.remove(MUTABLE);
      if (!Fields.same(now, before)) {
        errs.add(FieldError.forbidden("spec", "updates to statefulset spec for fields other than 'replicas',"
            + " 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and"
            + " 'minReadySeconds' are forbidden"));
      }
      return errs;
    }
  }

  /** ReplicationController: replicas 1; selector and labels default to the template's labels. */
  private static final class ReplicationController implements KindRules {
    @Override
    public void applyDefaults(ObjectNode obj) {
      ObjectNode spec = Fields.object(obj, "spec");
      JsonNode templateLabels = spec.path("template").path("metadata").get("labels");
      if (templateLabels != null && templateLabels.isObject()) {
        if (spec.path("selector").size() == 0) {
          spec.set("selector", templateLabels.deepCopy());
        }
        ObjectNode meta = Fields.object(obj, "metadata");
        if (meta.path("labels").size() == 0) {
          meta.set("labels", templateLabels.deepCopy());
        }
      }
      Fields.defaultInt(spec, "replicas", 1);
      Templates.defaultTemplate(spec.get("template"));
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
      JsonNode spec = obj.path("spec");
      List<FieldError> errs = new ArrayList<>();
      Fields.nonNegative(errs, spec, "replicas", "spec.replicas");
      Fields.nonNegative(errs, spec, "minReadySeconds", "spec.minReadySeconds");
      if (spec.path("selector").size() == 0) {
        errs.add(FieldError.required("spec.selector"));
      } else {
        errs.addAll(io.tugboat.model.NameRules.validateLabels(spec.get("selector"), "spec.selector"));
      }
      errs.addAll(Templates.template(spec.get("template"), Templates.mapSelector(spec.get("selector")),
          "spec.template", ALWAYS));
      return errs;
    }
  }
}
