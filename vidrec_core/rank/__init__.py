"""From scores to a list a person can read: filters, exclusions, diversity, fair shares, explanations, list
metrics."""
