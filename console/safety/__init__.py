"""Safety rules enforced in the data layer: redaction, masking, guards, audit."""
