package io.tugboat.model.kinds;

import static io.tugboat.model.TestObjects.described;
import static io.tugboat.model.TestObjects.fields;
import static io.tugboat.model.TestObjects.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchRulesTest {

  private static ObjectNode job(String spec) {
    ObjectNode job = yaml("metadata: {name: pi, uid: u-1}\nspec:\n" + spec.indent(2));
    BatchRules.JOB.applyDefaults(job);
    return job;
  }

  private static final String TEMPLATE = """
      template:
        spec: {restartPolicy: Never, containers: [{name: c, image: perl}]}
      """;

  @Test
  void defaultsAJobAndGeneratesItsSelector() {
    ObjectNode job = job(TEMPLATE);
    assertEquals(1, job.at("/spec/parallelism").asInt());
    assertEquals(1, job.at("/spec/completions").asInt());
    assertEquals(6, job.at("/spec/backoffLimit").asInt());
    assertEquals("NonIndexed", job.at("/spec/completionMode").asText());
    assertFalse(job.at("/spec/suspend").asBoolean());
    assertFalse(job.get("spec").has("manualSelector"));
    assertEquals(yaml("{matchLabels: {batch.kubernetes.io/controller-uid: u-1}}"), job.at("/spec/selector"));
    assertEquals(yaml("{job-name: pi, batch.kubernetes.io/job-name: pi, controller-uid: u-1,"
        + " batch.kubernetes.io/controller-uid: u-1}"), job.at("/spec/template/metadata/labels"));
    assertEquals(job.at("/spec/template/metadata/labels"), job.at("/metadata/labels"));
    assertEquals("ClusterFirst", job.at("/spec/template/spec/dnsPolicy").asText());
    assertEquals(List.of(), BatchRules.JOB.validate(job));
  }

  @Test
  void parallelismWithoutCompletionsLeavesCompletionsUnset() {
    ObjectNode job = job("parallelism: 3\n" + TEMPLATE);
    assertEquals(3, job.at("/spec/parallelism").asInt());
    assertFalse(job.get("spec").has("completions"));
  }

  @Test
  void completionsWithoutParallelismGetsParallelismOne() {
    ObjectNode job = job("completions: 5\n" + TEMPLATE);
    assertEquals(1, job.at("/spec/parallelism").asInt());
  }

  @Test
  void jobPodsMayNotRestartAlways() {
    ObjectNode job = job("template: {spec: {containers: [{name: c, image: perl}]}}");
    assertEquals(List.of("spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values:"
        + " \"OnFailure\", \"Never\""), described(BatchRules.JOB.validate(job)));
  }

  @Test
  void manualSelectorMustMatchTheTemplate() {
    ObjectNode job = job("manualSelector: true\nselector: {matchLabels: {a: b}}\n" + TEMPLATE);
    assertEquals(List.of("spec.template.metadata.labels"), fields(BatchRules.JOB.validate(job)));
  }

  @Test
  void templateAndSelectorAreImmutable() {
    ObjectNode old = job(TEMPLATE);
    ObjectNode now = old.deepCopy();
    ((ObjectNode) now.at("/spec/template/spec/containers/0")).put("image", "perl:2");
    assertEquals(List.of("spec.template"), fields(BatchRules.JOB.validateUpdate(now, old)));
    ObjectNode suspended = old.deepCopy();
    ((ObjectNode) suspended.get("spec")).put("suspend", true);
    assertEquals(List.of(), BatchRules.JOB.validateUpdate(suspended, old));
  }

  @Test
  void defaultsACronJob() {
    ObjectNode cj = yaml("""
        metadata: {name: tick}
        spec:
          schedule: '*/5 * * * *'
          jobTemplate:
            spec:
              template:
                spec: {restartPolicy: OnFailure, containers: [{name: c, image: busybox}]}
        """);
    BatchRules.CRON_JOB.applyDefaults(cj);
    assertEquals("Allow", cj.at("/spec/concurrencyPolicy").asText());
    assertFalse(cj.at("/spec/suspend").asBoolean());
    assertEquals(3, cj.at("/spec/successfulJobsHistoryLimit").asInt());
    assertEquals(1, cj.at("/spec/failedJobsHistoryLimit").asInt());
    assertEquals("default-scheduler", cj.at("/spec/jobTemplate/spec/template/spec/schedulerName").asText());
    assertFalse(cj.at("/spec/jobTemplate/spec").has("backoffLimit"), "job defaults are not applied to templates");
    assertEquals(List.of(), BatchRules.CRON_JOB.validate(cj));
  }

  @Test
  void cronJobNeedsAParseableSchedule() {
    ObjectNode cj = yaml("metadata: {name: t}\nspec: {jobTemplate: {spec: {template: {spec: {restartPolicy: Never,"
        + " containers: [{name: c, image: x}]}}}}}");
    BatchRules.CRON_JOB.applyDefaults(cj);
    assertEquals(List.of("spec.schedule: Required value"), described(BatchRules.CRON_JOB.validate(cj)));
    ((ObjectNode) cj.get("spec")).put("schedule", "every minute");
    assertEquals(List.of("spec.schedule: Invalid value: \"every minute\": expected exactly 5 fields, found 2:"
        + " [every minute]"), described(BatchRules.CRON_JOB.validate(cj)));
  }

  @Test
  void cronJobNamesAreAtMost52Characters() {
    ObjectNode cj = yaml("metadata: {name: " + "a".repeat(53) + "}\nspec: {schedule: '@hourly', jobTemplate: {spec:"
        + " {template: {spec: {restartPolicy: Never, containers: [{name: c, image: x}]}}}}}");
    BatchRules.CRON_JOB.applyDefaults(cj);
    assertEquals(List.of("metadata.name"), fields(BatchRules.CRON_JOB.validate(cj)));
  }

  @Test
  void cronJobTimeZoneMustBeAKnownIanaName() {
    ObjectNode cj = yaml("metadata: {name: t}\nspec: {schedule: '0 3 * * *', timeZone: Mars/Olympus_Mons,"
        + " jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: x}]}}}}}");
    BatchRules.CRON_JOB.applyDefaults(cj);
    assertEquals(List.of("spec.timeZone: Invalid value: \"Mars/Olympus_Mons\": unknown time zone Mars/Olympus_Mons"),
        described(BatchRules.CRON_JOB.validate(cj)));
    ((ObjectNode) cj.get("spec")).put("timeZone", "Local");
    assertEquals(List.of("spec.timeZone"), fields(BatchRules.CRON_JOB.validate(cj)));
    ((ObjectNode) cj.get("spec")).put("timeZone", "");
    assertEquals(List.of("spec.timeZone"), fields(BatchRules.CRON_JOB.validate(cj)));
    ((ObjectNode) cj.get("spec")).put("timeZone", "Europe/Berlin");
    assertEquals(List.of(), BatchRules.CRON_JOB.validate(cj));
  }

  @Test
  void cronJobHistoryLimitsAndDeadlineMayNotBeNegative() {
    ObjectNode cj = yaml("metadata: {name: t}\nspec: {schedule: '@hourly', successfulJobsHistoryLimit: -1,"
        + " failedJobsHistoryLimit: -2, startingDeadlineSeconds: -3, jobTemplate: {spec: {template: {spec:"
        + " {restartPolicy: Never, containers: [{name: c, image: x}]}}}}}");
    BatchRules.CRON_JOB.applyDefaults(cj);
    assertEquals(List.of("spec.startingDeadlineSeconds", "spec.successfulJobsHistoryLimit",
        "spec.failedJobsHistoryLimit"), fields(BatchRules.CRON_JOB.validate(cj)));
  }
}
