"""The ministry's operations over every unit: the units registry, the canonical
template, provision and push-template (sync), consolidation into the summary, and
importing the reports units already have."""
