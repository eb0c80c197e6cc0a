package io.tugboat.model.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class CronScheduleTest {

  @Test
  void acceptsStandardSchedules() {
    for (String ok : new String[] {"* * * * *", "*/5 * * * *", "0 0 1 1 *", "0 9-17 * * MON-FRI", "15,45 */2 1-31/2 jan-dec sun",
        "0 0 ? * *", "@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually", "@every 1h30m"}) {
      assertEquals(Optional.empty(), CronSchedule.problem(ok), ok);
    }
  }

  @Test
  void reportsProblemsInRobfigCronWords() {
    assertEquals("expected exactly 5 fields, found 6: [0 0 0 * * *]", CronSchedule.problem("0 0 0 * * *").get());
    assertEquals("unrecognized descriptor: @often", CronSchedule.problem("@often").get());
    assertEquals("end of range (60) above maximum (59): 0-60", CronSchedule.problem("0-60 * * * *").get());
    assertEquals("beginning of range (0) below minimum (1): 0", CronSchedule.problem("* * 0 * *").get());
    assertEquals("beginning of range (5) beyond end of range (3): 5-3", CronSchedule.problem("5-3 * * * *").get());
    assertEquals("failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax",
        CronSchedule.problem("x * * * *").get());
    assertEquals("step of range should be a positive number: */0", CronSchedule.problem("*/0 * * * *").get());
    assertEquals("end of range (7) above maximum (6): 7", CronSchedule.problem("* * * * 7").get());
    assertTrue(CronSchedule.problem("TZ=UTC 0 * * * *").get().startsWith("cannot use TZ or CRON_TZ"));
  }
}
