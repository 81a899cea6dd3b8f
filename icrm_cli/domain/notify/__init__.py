"""`icrm notify`: notices to people and department channels, each sent once.

``channels`` (where notices go, secrets hidden), ``collect`` (what needs whom),
``store`` (keys, dedup, retries, the run lock), ``messages`` (digest text in
Chinese or English), ``deliver`` (Apprise, imported only here) and ``run``
(one run: read, send without a write lock, record).
"""
