"""The domain layer: the rules of icrm.

Functions here take a session and plain arguments, return plain objects and
raise :mod:`icrm_cli.errors` exceptions. They never print and never import
Typer or Rich.
"""
