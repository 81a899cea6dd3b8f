"""The organisation: the org file, applying it, org-wide settings and name lookups."""
