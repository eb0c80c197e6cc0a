package io.tugboat.model.kinds;

import static io.tugboat.model.kinds.Fields.has;
import static io.tugboat.model.kinds.Fields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.FieldError;
import io.tugboat.model.KindRules;
import java.util.ArrayList;
import java.util.List;

/** Admission of Jobs and CronJobs. */
public final class BatchRules {

  /** Job rules. */
  public static final KindRules JOB = new Job();
  /** CronJob rules. */
  public static final KindRules CRON_JOB = new CronJob();

  /** Label on a Job's pods naming the Job's uid; the generated selector selects on it. */
  public static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
  /** Label on a Job's pods naming the Job. */
  public static final String JOB_NAME = "batch.kubernetes.io/job-name";

  private static final List<String> JOB_RESTART = List.of("OnFailure", "Never");

  private BatchRules() {}

  /** Job: parallelism/completions 1, backoffLimit 6, NonIndexed, not suspended, and a selector on the Job's uid. */
  private static final class Job implements KindRules {
    @Override
    public void applyDefaults(ObjectNode obj) {
      ObjectNode spec = Fields.object(obj, "spec");
      if (!has(spec, "completions") && !has(spec, "parallelism")) {
        spec.put("completions", 1);
      }
      Fields.defaultInt(spec, "parallelism", 1);
      Fields.defaultInt(spec, "backoffLimit", has(spec, "backoffLimitPerIndex") ? Integer.MAX_VALUE : 6);
      Fields.defaultText(spec, "completionMode", "NonIndexed");
      Fields.defaultBool(spec, "suspend", false);
      Fields.defaultText(spec, "podReplacementPolicy", has(spec, "podFailurePolicy") ? "Failed" : "TerminatingOrFailed");
      ObjectNode template = Fields.object(spec, "template");
      Templates.defaultTemplate(template);
      if (!spec.path("manualSelector").asBoolean(false)) {
        generateSelector(obj, spec, template);
      }
      JsonNode templateLabels = template.path("metadata").get("labels");
      ObjectNode meta = Fields.object(obj, "metadata");
      if (templateLabels != null && templateLabels.isObject() && meta.path("labels").size() == 0) {
        meta.set("labels", templateLabels.deepCopy());
      }
    }

    // The caller has set metadata.uid; pods get the uid and name as labels, and the selector picks the uid.
    private static void generateSelector(ObjectNode obj, ObjectNode spec, ObjectNode template) {
      String uid = text(obj.path("metadata"), "uid");
      String name = text(obj.path("metadata"), "name");
      ObjectNode labels = Fields.object(Fields.object(template, "metadata"), "labels");
      for (String key : List.of("job-name", JOB_NAME)) {
        if (!labels.has(key)) {
          labels.put(key, name);
        }
      }
      for (String key : List.of("controller-uid", CONTROLLER_UID)) {
        if (!labels.has(key)) {
          labels.put(key, uid);
        }
      }
      ObjectNode matchLabels = Fields.object(Fields.object(spec, "selector"), "matchLabels");
      if (!matchLabels.has(CONTROLLER_UID)) {
        matchLabels.put(CONTROLLER_UID, uid);
      }
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
      return validateJobSpec(obj.path("spec"), "spec", true);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
      List<FieldError> errs = new ArrayList<>();
      JsonNode spec = obj.path("spec");
      JsonNode before = old.path("spec");
      Templates.immutable(errs, spec.path("selector"), before.path("selector"), "spec.selector");
      Templates.immutable(errs, spec.path("template"), before.path("template"), "spec.template");
      Templates.immutable(errs, spec.path("completionMode"), before.path("completionMode"), "spec.completionMode");
      if (!text(spec, "completionMode").equals("Indexed")) {
        Templates.immutable(errs, spec.path("completions"), before.path("completions"), "spec.completions");
      }
      return errs;
    }
  }

  /** Validates a JobSpec at {@code path}; a CronJob's jobTemplate has no selector yet. */
  static List<FieldError> validateJobSpec(JsonNode spec, String path, boolean requireSelector) {
    List<FieldError> errs = new ArrayList<>();
    for (String f : List.of("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit",
        "ttlSecondsAfterFinished")) {
      Fields.nonNegative(errs, spec, f, path + "." + f);
    }
    Fields.oneOf(errs, spec, "completionMode", path + ".completionMode", List.of("NonIndexed", "Indexed"));
    if (text(spec, "completionMode").equals("Indexed") && !has(spec, "completions")) {
      errs.add(FieldError.required(path + ".completions", "when completion mode is Indexed"));
    }
    JsonNode selector = spec.get("selector");
    if (requireSelector) {
      if (selector == null || selector.isNull()) {
        errs.add(FieldError.required(path + ".selector"));
      } else {
        errs.addAll(io.tugboat.model.LabelSelectors.validate(selector, path + ".selector"));
      }
    }
    errs.addAll(Templates.template(spec.get("template"), selector, path + ".template", JOB_RESTART));
    return errs;
  }

  /** Kubernetes' validateTimeZone: an IANA name this JVM's zone database knows, never "Local" nor empty. */
  private static void validateTimeZone(JsonNode tz, List<FieldError> errs) {
    if (tz == null || tz.isNull()) {
      return;
    }
    String zone = tz.asText();
    if (zone.isEmpty()) {
      errs.add(FieldError.invalid("spec.timeZone", zone, "timeZone must be nil or non-empty string"));
    } else if (zone.equalsIgnoreCase("Local")) {
      errs.add(FieldError.invalid("spec.timeZone", zone,
          "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"));
    } else if (!java.time.ZoneId.getAvailableZoneIds().contains(zone)) {
      errs.add(FieldError.invalid("spec.timeZone", zone, "unknown time zone " + zone));
    }
  }

  /** CronJob: Allow, not suspended, history limits 3 and 1; the schedule must parse. */
  private static final class CronJob implements KindRules {
    @Override
    public void applyDefaults(ObjectNode obj) {
      ObjectNode spec = Fields.object(obj, "spec");
      Fields.defaultText(spec, "concurrencyPolicy", "Allow");
      Fields.defaultBool(spec, "suspend", false);
      Fields.defaultInt(spec, "successfulJobsHistoryLimit", 3);
      Fields.defaultInt(spec, "failedJobsHistoryLimit", 1);
      Templates.defaultTemplate(spec.path("jobTemplate").path("spec").get("template"));
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
      List<FieldError> errs = new ArrayList<>();
      String name = text(obj.path("metadata"), "name");
      if (name.length() > 52) {
        errs.add(FieldError.invalid("metadata.name", name, "must be no more than 52 characters"));
      }
      JsonNode spec = obj.path("spec");
      String schedule = text(spec, "schedule");
      if (schedule.isEmpty()) {
        errs.add(FieldError.required("spec.schedule"));
      } else {
        CronSchedule.problem(schedule).ifPresent(p -> errs.add(FieldError.invalid("spec.schedule", schedule, p)));
      }
      Fields.oneOf(errs, spec, "concurrencyPolicy", "spec.concurrencyPolicy", List.of("Allow", "Forbid", "Replace"));
      validateTimeZone(spec.get("timeZone"), errs);
      for (String f : List.of("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit")) {
        Fields.nonNegative(errs, spec, f, "spec." + f);
      }
      JsonNode jobTemplate = spec.path("jobTemplate");
      errs.addAll(io.tugboat.model.NameRules.validateLabels(jobTemplate.path("metadata").get("labels"),
          "spec.jobTemplate.metadata.labels"));
      errs.addAll(validateJobSpec(jobTemplate.path("spec"), "spec.jobTemplate.spec", false));
      return errs;
    }
  }
}
