"""How the example company's departments behave in the demo: who is asked how often, how slowly each
serves, and how often a request is kicked on before anyone owns it."""

from __future__ import annotations

PRIORITY_WEIGHTS = (("urgent", 5), ("high", 20), ("normal", 60), ("low", 15))
# How often each supplier is asked, and how slow it is (1.0 = works to SLA).
SUPPLIER_LOAD = {
    "DEV": 14,
    "IT": 14,
    "FIN": 10,
    "HR": 8,
    "PUR": 9,
    "WH": 9,
    "SALES": 8,
    "MKT": 7,
    "CS": 6,
    "QA": 6,
    "GM": 2,
    "RD": 2,
    "OPS": 2,
    "BIZ": 2,
}
SLOWNESS = {
    "DEV": 1.35,
    "PUR": 1.25,
    "WH": 1.1,
    "IT": 0.7,
    "FIN": 0.9,
    "HR": 1.0,
    "SALES": 0.9,
    "MKT": 1.0,
    "CS": 0.8,
    "QA": 1.15,
    "GM": 1.4,
    "RD": 1.2,
    "OPS": 1.3,
    "BIZ": 1.1,
}
BOUNCES = (88, 96, 99)  # cumulative percent of requests kicked on 0, 1, 2 (else 3) times
