package io.tugboat.api;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/** The API server's settings, read once from {@code tugboat.api} and {@code tugboat.namespaces}. */
public record ApiSettings(String host, int port, String tlsKeystore, String tlsPasswordFile, String tokenFile,
    long maxBodyBytes, Duration requestTimeout, String kubernetesVersion, Set<String> protectedNamespaces,
    Duration nodeTimeout, Duration metricsTimeout) {

  /** Reads the settings from the configuration. */
  public static ApiSettings create(Config config) {
    Config c = config.getConfig("tugboat.api");
    return new ApiSettings(c.getString("host"), c.getInt("port"), c.getString("tls-keystore"),
        c.getString("tls-keystore-password-file"), c.getString("token-file"), c.getBytes("max-body-bytes"),
        c.getDuration("request-timeout"), c.getString("kubernetes-version"),
        new HashSet<>(config.getStringList("tugboat.namespaces.protected")), c.getDuration("node-timeout"),
        c.getDuration("metrics-timeout"));
  }
}
