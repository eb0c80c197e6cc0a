package io.tugboat.runtime.image;

import io.tugboat.runtime.image.ImageStore.Image;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code tugboat image load FILE... | ls | rm NAME...} on a data directory's image store, as crictl's
 * {@code images}/{@code rmi} and ctr's {@code images import} do for a kubelet's node. Runs beside a running node
 * agent: the store is safe for both.
 */
public final class ImageCli {
  static final String USAGE = "usage: tugboat image load FILE... | ls | rm NAME... [--data DIR]";

  private ImageCli() {}

  /** Runs one image command; answers the exit status (0 ok, 1 failed, 2 usage). */
  public static int run(ImageStore store, List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty()) {
      err.println(USAGE);
      return 2;
    }
    List<String> rest = args.subList(1, args.size());
    try {
      switch (args.get(0)) {
        case "load" -> {
          if (rest.isEmpty()) {
            err.println("image load: name the archive(s) to load\n" + USAGE);
            return 2;
          }
          for (String file : rest) {
            for (Image image : store.load(Path.of(file))) {
              out.println("Loaded " + shortId(image.id()) + " "
                  + (image.names().isEmpty() ? "(untagged)" : String.join(", ", image.names())));
            }
          }
          return 0;
        }
        case "ls", "list" -> {
          if (!rest.isEmpty()) {
            err.println("image ls takes no arguments\n" + USAGE);
            return 2;
          }
          out.print(table(store.list()));
          return 0;
        }
        case "rm", "remove" -> {
          if (rest.isEmpty()) {
            err.println("image rm: name the image(s) to remove\n" + USAGE);
            return 2;
          }
          int status = 0;
          for (String name : rest) {
            if (store.remove(name)) {
              out.println("Deleted: " + name);
            } else {
              err.println("error: no image named " + name + " (see 'tugboat image ls')");
              status = 1;
            }
          }
          return status;
        }
        default -> {
          err.println("unknown image command '" + args.get(0) + "'\n" + USAGE);
          return 2;
        }
      }
    } catch (IllegalArgumentException | UncheckedIOException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
  }

  /** The listing as crictl images prints it: one row per name, untagged images as &lt;none&gt;. */
  static String table(List<Image> images) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NAME", "TAG", "IMAGE ID", "SIZE"});
    for (Image image : images) {
      List<String> names = image.names().isEmpty() ? List.of("<none>") : image.names();
      for (String name : names) {
        String repo = LocalImageStore.repoOf(name);
        String tag = name.equals("<none>") || name.contains("@") ? "<none>" : name.substring(repo.length() + 1);
        rows.add(new String[] {repo.equals("<none>") ? "<none>" : repo, tag, shortId(image.id()),
            humanSize(image.size())});
      }
    }
    int[] widths = new int[4];
    for (String[] row : rows) {
      for (int i = 0; i < 4; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder text = new StringBuilder();
    for (String[] row : rows) {
      for (int i = 0; i < 3; i++) {
        text.append(String.format("%-" + (widths[i] + 3) + "s", row[i]));
      }
      text.append(row[3]).append('\n');
    }
    return text.toString();
  }

  /** The first 13 hex digits of an id, as crictl shows them. */
  static String shortId(String id) {
    String hex = id.startsWith("sha256:") ? id.substring(7) : id;
    return hex.substring(0, Math.min(13, hex.length()));
  }

  /** Decimal units with three significant digits, as docker's and crictl's HumanSize: "4.49MB", "512B". */
  static String humanSize(long bytes) {
    String[] units = {"B", "kB", "MB", "GB", "TB", "PB"};
    int unit = 0;
    java.math.BigDecimal size = java.math.BigDecimal.valueOf(bytes);
    java.math.MathContext three = new java.math.MathContext(3, java.math.RoundingMode.HALF_UP);
    while (size.round(three).compareTo(java.math.BigDecimal.valueOf(1000)) >= 0 && unit < units.length - 1) {
      size = size.movePointLeft(3);
      unit++;
    }
    String number = size.round(three).stripTrailingZeros().toPlainString();
    return String.format(Locale.ROOT, "%s%s", number, units[unit]);
  }
}
