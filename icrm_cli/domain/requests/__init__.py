"""Requests (内部联络单): the lifecycle, lists, import and the statements they read with."""
