"""icrm: internal customer relationship management from the command line."""

__version__ = "0.1.0"
