"""Running the portal: readiness checks and the operator's doctor."""
