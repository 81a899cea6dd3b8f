"""Statement builders for read paths, in SQLAlchemy Core: one module per area.

Each builder takes a plan's shape and returns a statement (or a WHERE condition,
or a list of order expressions) whose varying values are named bind parameters.
The domain code names them with :class:`icrm_cli.storage.plans.Plan` (builder
``"icrm_cli.services.queries.<module>:<function>"`` and shape) and never imports
these modules itself, so a read command on SQLite runs the precompiled text
without loading SQLAlchemy. The domain modules list the plans they run in their
``SHIPPED``; those are compiled into ``storage/compiled_plans.py``.
"""
