package io.tugboat.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link TugboatCluster} for a test class, registered with {@code @RegisterExtension}: started fresh before
 * the class's own {@code @BeforeAll} methods (so they may use it) when kubectl is on the PATH, closed after the
 * class. Without kubectl each test reports itself skipped with the reason (an assumption failing before all would
 * hide the whole class from Maven's summary).
 */
public final class ClusterPerClass implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

  private final String dataDirPrefix;
  private final Map<String, String> env;
  private TugboatCluster cluster;

  /** A cluster on a data dir named {@code dataDirPrefix...} under target/, with the fake runtime. */
  public ClusterPerClass(String dataDirPrefix) {
    this(dataDirPrefix, Map.of());
  }

  /** Likewise, with extra environment for the launcher (see {@link TugboatCluster#startFresh(String, Map)}). */
  public ClusterPerClass(String dataDirPrefix, Map<String, String> env) {
    this.dataDirPrefix = dataDirPrefix;
    this.env = env;
  }

  /** The running cluster, or null when kubectl is missing (the tests are skipped then). */
  public TugboatCluster get() {
    return cluster;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    if (!TugboatCluster.onPath("kubectl")) {
      System.err.println(reason(context));
      return;
    }
    cluster = TugboatCluster.startFresh(dataDirPrefix, env);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    assumeTrue(cluster != null, () -> reason(context));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  private static String reason(ExtensionContext context) {
    return "kubectl is not on PATH: skipping " + context.getRequiredTestClass().getSimpleName();
  }
}
