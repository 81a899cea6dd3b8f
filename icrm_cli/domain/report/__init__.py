"""The weekly report and the data exports."""
