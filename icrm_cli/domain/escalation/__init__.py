"""The escalation ladder (升级): open, raise, resolve, who must act, and the cron sweep."""
