package io.tugboat.runtime.process;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a container runs and with which environment, from its spec and its image's config, as Kubernetes has it. */
public final class ContainerCommand {
  private ContainerCommand() {}

  /** The PATH a container gets when neither its image nor its spec sets one (Docker's default). */
  public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /**
   * The process's argv: neither command nor args → the image's entrypoint and cmd; command → command and args
   * (the image's cmd is ignored); only args → the image's entrypoint and args.
   *
   * @throws IllegalArgumentException when nothing is left to run
   */
  public static List<String> argv(List<String> entrypoint, List<String> cmd, List<String> command,
      List<String> args) {
    List<String> argv = new ArrayList<>();
    boolean hasCommand = command != null && !command.isEmpty();
    boolean hasArgs = args != null && !args.isEmpty();
    if (hasCommand) {
      argv.addAll(command);
      if (hasArgs) {
        argv.addAll(args);
      }
    } else {
      argv.addAll(orEmpty(entrypoint));
      argv.addAll(hasArgs ? args : orEmpty(cmd));
    }
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("no command specified: the container has no command or args and its image "
          + "has no entrypoint or cmd");
    }
    return List.copyOf(argv);
  }

  /**
   * The environment: the image's "K=V" entries, overridden by the container's, PATH defaulted, HOSTNAME set as
   * container runtimes do.
   */
  public static Map<String, String> env(List<String> imageEnv, Map<String, String> containerEnv, String hostname) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", DEFAULT_PATH);
    for (String kv : orEmpty(imageEnv)) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        env.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    if (hostname != null && !hostname.isEmpty()) {
      env.put("HOSTNAME", hostname);
    }
    if (containerEnv != null) {
      env.putAll(containerEnv);
    }
    return env;
  }

  /** The working directory: the spec's, else the image's, else "/". */
  public static String workingDir(String specDir, String imageDir) {
    if (specDir != null && !specDir.isEmpty()) {
      return specDir;
    }
    return imageDir != null && !imageDir.isEmpty() ? imageDir : "/";
  }

  /**
   * The uid and gid an image's user names: numeric "uid[:gid]", or a name looked up in the image's /etc/passwd
   * text (may be empty); root when empty.
   *
   * @throws IllegalArgumentException for a name the image does not have
   */
  public static int[] user(String user, String passwd) {
    if (user == null || user.isEmpty()) {
      return new int[] {0, 0};
    }
    String[] parts = user.split(":", 2);
    Integer uid = number(parts[0]);
    Integer gid = parts.length > 1 ? number(parts[1]) : null;
    if (uid == null || gid == null) {
      // A name, or a uid without a group: /etc/passwd says the rest (a uid it lacks gets group 0, as Docker does).
      for (String line : passwd == null ? new String[0] : passwd.split("\n")) {
        String[] f = line.split(":");
        boolean match = f.length > 3 && (uid == null ? f[0].equals(parts[0]) : f[2].equals(parts[0]));
        if (match) {
          uid = number(f[2]);
          gid = gid == null ? number(f[3]) : gid;
          break;
        }
      }
      if (uid == null) {
        throw new IllegalArgumentException("user \"" + parts[0] + "\" is not in the image's /etc/passwd");
      }
    }
    return new int[] {uid, gid == null ? 0 : gid};
  }

  private static Integer number(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static List<String> orEmpty(List<String> list) {
    return list == null ? List.of() : list;
  }
}
