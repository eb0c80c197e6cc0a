package io.tugboat.model.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.FieldError;
import io.tugboat.model.KindRules;
import io.tugboat.model.NameRules;
import io.tugboat.model.Quantity;
import io.tugboat.model.quota.Amount;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Admission of ResourceQuotas and LimitRanges as Kubernetes validates them: known resource names, well-formed
 * non-negative quantities, scopes that fit the quota's resources; a LimitRange's Container defaults filled in
 * (default from max, defaultRequest from default or min) and min &lt;= defaultRequest &lt;= default &lt;= max.
 */
public final class QuotaRules {

  /** ResourceQuota rules. */
  public static final KindRules RESOURCE_QUOTA = new KindRules() {
    @Override
    public List<FieldError> validate(ObjectNode obj) {
      return validateQuota(obj);
    }
  };

  /** LimitRange rules. */
  public static final KindRules LIMIT_RANGE = new KindRules() {
    @Override
    public void applyDefaults(ObjectNode obj) {
      for (ObjectNode item : Fields.objects(obj.path("spec"), "limits")) {
        defaultContainerItem(item);
      }
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
      return validateLimitRange(obj);
    }
  };

  private static final Set<String> QUOTA_NAMES = Set.of("pods", "services", "replicationcontrollers",
      "resourcequotas", "secrets", "configmaps", "persistentvolumeclaims", "services.nodeports",
      "services.loadbalancers", "cpu", "memory", "requests.cpu", "requests.memory", "requests.storage", "limits.cpu",
      "limits.memory", "ephemeral-storage", "requests.ephemeral-storage", "limits.ephemeral-storage");
  private static final Set<String> COMPUTE = Set.of("pods", "cpu", "memory", "requests.cpu", "requests.memory",
      "limits.cpu", "limits.memory", "ephemeral-storage", "requests.ephemeral-storage", "limits.ephemeral-storage");
  private static final Set<String> INTEGER_NAMES = Set.of("pods", "services", "replicationcontrollers",
      "resourcequotas", "secrets", "configmaps", "persistentvolumeclaims", "services.nodeports",
      "services.loadbalancers");
  private static final List<String> SCOPES = List.of("Terminating", "NotTerminating", "BestEffort", "NotBestEffort",
      "PriorityClass", "CrossNamespacePodAffinity");
  private static final List<String> OPERATORS = List.of("In", "NotIn", "Exists", "DoesNotExist");
  private static final Set<String> CONTAINER_NAMES = Set.of("cpu", "memory", "ephemeral-storage", "storage");

  private QuotaRules() {}

  static List<FieldError> validateQuota(JsonNode quota) {
    List<FieldError> errs = new ArrayList<>();
    JsonNode spec = quota.path("spec");
    for (Map.Entry<String, JsonNode> e : Fields.entries(spec.path("hard"))) {
      String path = "spec.hard[" + e.getKey() + "]";
      quotaName(e.getKey()).ifPresent(msg -> errs.add(FieldError.invalid(path, e.getKey(), msg)));
      quantity(errs, path, e.getValue(), INTEGER_NAMES.contains(e.getKey()) || e.getKey().startsWith("count/"));
    }
    List<String> scopes = new ArrayList<>();
    int i = 0;
    for (JsonNode s : spec.path("scopes")) {
      if (!SCOPES.contains(s.asText())) {
        errs.add(FieldError.notSupported("spec.scopes[" + i + "]", s.asText(), SCOPES));
      }
      scopes.add(s.asText());
      i++;
    }
    i = 0;
    for (JsonNode req : spec.path("scopeSelector").path("matchExpressions")) {
      String path = "spec.scopeSelector.matchExpressions[" + i++ + "]";
      String scope = req.path("scopeName").asText();
      if (!SCOPES.contains(scope)) {
        errs.add(FieldError.notSupported(path + ".scopeName", scope, SCOPES));
      }
      String op = req.path("operator").asText();
      if (!OPERATORS.contains(op)) {
        errs.add(FieldError.notSupported(path + ".operator", op, OPERATORS));
      } else if ((op.equals("In") || op.equals("NotIn")) && req.path("values").isEmpty()) {
        errs.add(FieldError.required(path + ".values",
            "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
      } else if (!(op.equals("In") || op.equals("NotIn")) && !req.path("values").isEmpty()) {
        errs.add(FieldError.invalid(path + ".values", Fields.raw(req.path("values").toString()),
            "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
      }
      scopes.add(scope);
    }
    if ((scopes.contains("BestEffort") && scopes.contains("NotBestEffort"))
        || (scopes.contains("Terminating") && scopes.contains("NotTerminating"))) {
      errs.add(FieldError.invalid("spec.scopes", Fields.raw(scopes.toString()), "conflicting scopes"));
    }
    if (!scopes.isEmpty()) {
      for (String r : (Iterable<String>) () -> spec.path("hard").fieldNames()) {
        boolean ok = scopes.contains("BestEffort") ? r.equals("pods") : COMPUTE.contains(r)
            || r.startsWith("requests.") || r.startsWith("limits.") || r.startsWith("hugepages-");
        if (!ok) {
          errs.add(FieldError.invalid("spec.scopes", Fields.raw(scopes.toString()),
              "unsupported scope applied to resource"));
          break;
        }
      }
    }
    return errs;
  }

  /** Why a quota resource name is not one Kubernetes accepts, if it is not. */
  private static Optional<String> quotaName(String name) {
    if (name.contains("/")) {
      List<String> msgs = NameRules.qualifiedName(name);
      return msgs.isEmpty() ? Optional.empty() : Optional.of(msgs.get(0));
    }
    if (QUOTA_NAMES.contains(name) || name.startsWith("hugepages-") || name.startsWith("requests.hugepages-")) {
      return Optional.empty();
    }
    return Optional.of("must be a standard resource for quota");
  }

  private static void defaultContainerItem(ObjectNode item) {
    if (!"Container".equals(item.path("type").asText())) {
      return;
    }
    ObjectNode def = Fields.object(item, "default");
    ObjectNode defRequest = Fields.object(item, "defaultRequest");
    Fields.entries(item.path("max")).forEach(e -> {
      if (!def.has(e.getKey())) {
        def.set(e.getKey(), e.getValue().deepCopy());
      }
    });
    Fields.entries(def).forEach(e -> {
      if (!defRequest.has(e.getKey())) {
        defRequest.set(e.getKey(), e.getValue().deepCopy());
      }
    });
    Fields.entries(item.path("min")).forEach(e -> {
      if (!defRequest.has(e.getKey())) {
        defRequest.set(e.getKey(), e.getValue().deepCopy());
      }
    });
  }

  static List<FieldError> validateLimitRange(JsonNode range) {
    List<FieldError> errs = new ArrayList<>();
    int i = 0;
    for (JsonNode item : range.path("spec").path("limits")) {
      String at = "spec.limits[" + i++ + "]";
      String type = item.path("type").asText("");
      if (type.isEmpty()) {
        errs.add(FieldError.required(at + ".type"));
      }
      Map<String, Map<String, Amount>> values = new HashMap<>();
      for (String field : List.of("max", "min", "default", "defaultRequest", "maxLimitRequestRatio")) {
        Map<String, Amount> parsed = new HashMap<>();
        values.put(field, parsed);
        for (Map.Entry<String, JsonNode> e : Fields.entries(item.path(field))) {
          String path = at + "." + field + "[" + e.getKey() + "]";
          if (!(CONTAINER_NAMES.contains(e.getKey()) || e.getKey().startsWith("hugepages-")
              || (e.getKey().contains("/") && NameRules.qualifiedName(e.getKey()).isEmpty()))) {
            errs.add(FieldError.invalid(path, e.getKey(), "must be a standard resource type or fully qualified"));
          }
          if (quantity(errs, path, e.getValue(), false)) {
            Amount.parse(e.getValue()).ifPresent(a -> parsed.put(e.getKey(), a));
          }
        }
      }
      if (type.equals("Pod") && (item.path("default").size() > 0 || item.path("defaultRequest").size() > 0)) {
        errs.add(FieldError.forbidden(at + (item.path("default").size() > 0 ? ".default" : ".defaultRequest"),
            "may not be specified when `type` is 'Pod'"));
      }
      if (type.equals("PersistentVolumeClaim") && !values.get("min").containsKey("storage")
          && !values.get("max").containsKey("storage")) {
        errs.add(FieldError.required(at + ".limits",
            "either minimum or maximum storage value is required, but neither was provided"));
      }
      orderErrors(errs, at, values);
    }
    return errs;
  }

  private static void orderErrors(List<FieldError> errs, String at, Map<String, Map<String, Amount>> v) {
    Map<String, Amount> max = v.get("max");
    Map<String, Amount> min = v.get("min");
    Map<String, Amount> def = v.get("default");
    Map<String, Amount> defReq = v.get("defaultRequest");
    min.forEach((k, mn) -> {
      Amount mx = max.get(k);
      if (mx != null && mn.compareTo(mx) > 0) {
        errs.add(FieldError.invalid(at + ".min[" + k + "]", mn.toString(),
            "min value " + mn + " is greater than max value " + mx));
      }
    });
    defReq.forEach((k, dr) -> {
      String path = at + ".defaultRequest[" + k + "]";
      if (min.containsKey(k) && min.get(k).compareTo(dr) > 0) {
        errs.add(FieldError.invalid(path, dr.toString(),
            "min value " + min.get(k) + " is greater than default request value " + dr));
      }
      if (max.containsKey(k) && dr.compareTo(max.get(k)) > 0) {
        errs.add(FieldError.invalid(path, dr.toString(),
            "default request value " + dr + " is greater than max value " + max.get(k)));
      }
      if (def.containsKey(k) && dr.compareTo(def.get(k)) > 0) {
        errs.add(FieldError.invalid(path, dr.toString(),
            "default request value " + dr + " is greater than default limit value " + def.get(k)));
      }
    });
    def.forEach((k, d) -> {
      String path = at + ".default[" + k + "]";
      if (min.containsKey(k) && min.get(k).compareTo(d) > 0) {
        errs.add(FieldError.invalid(path, d.toString(), "min value " + min.get(k) + " is greater than default value "
            + d));
      }
      if (max.containsKey(k) && d.compareTo(max.get(k)) > 0) {
        errs.add(FieldError.invalid(path, d.toString(), "default value " + d + " is greater than max value "
            + max.get(k)));
      }
    });
    v.get("maxLimitRequestRatio").forEach((k, r) -> {
      String path = at + ".maxLimitRequestRatio[" + k + "]";
      if (r.value().compareTo(BigDecimal.ONE) < 0) {
        errs.add(FieldError.invalid(path, r.toString(), "ratio " + r + " is less than 1"));
      } else if (min.containsKey(k) && max.containsKey(k) && min.get(k).value().signum() > 0) {
        double maxRatio = max.get(k).value().doubleValue() / min.get(k).value().doubleValue();
        if (r.value().doubleValue() > maxRatio) {
          errs.add(FieldError.invalid(path, r.toString(), "ratio " + r + " is greater than max/min = "
              + String.format(Locale.ROOT, "%f", maxRatio)));
        }
      }
    });
  }

  /** Adds the error of a malformed, negative or (for counts) fractional quantity; true when it is good. */
  private static boolean quantity(List<FieldError> errs, String path, JsonNode value, boolean integer) {
    Optional<BigDecimal> q = Quantity.tryParse(value);
    if (q.isEmpty()) {
      errs.add(FieldError.invalid(path, value.asText(), Quantity.FORMAT_ERROR));
      return false;
    }
    if (q.get().signum() < 0) {
      errs.add(FieldError.invalid(path, value.asText(), Fields.NON_NEGATIVE));
      return false;
    }
    if (integer && q.get().stripTrailingZeros().scale() > 0) {
      errs.add(FieldError.invalid(path, value.asText(), "must be an integer"));
      return false;
    }
    return true;
  }
}
