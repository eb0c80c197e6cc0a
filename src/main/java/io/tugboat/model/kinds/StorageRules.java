package io.tugboat.model.kinds;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.FieldError;
import io.tugboat.model.KindRules;
import java.util.ArrayList;
import java.util.List;

/** Admission of StorageClasses: reclaim Delete and Immediate binding by default; a provisioner is required. */
public final class StorageRules implements KindRules {

  @Override
  public void applyDefaults(ObjectNode sc) {
    Fields.defaultText(sc, "reclaimPolicy", "Delete");
    Fields.defaultText(sc, "volumeBindingMode", "Immediate");
  }

  @Override
  public List<FieldError> validate(ObjectNode sc) {
    List<FieldError> errs = new ArrayList<>();
    if (Fields.text(sc, "provisioner").isEmpty()) {
      errs.add(FieldError.required("provisioner"));
    }
    Fields.oneOf(errs, sc, "reclaimPolicy", "reclaimPolicy", List.of("Delete", "Retain"));
    Fields.oneOf(errs, sc, "volumeBindingMode", "volumeBindingMode", List.of("Immediate", "WaitForFirstConsumer"));
    return errs;
  }
}
