#!/usr/bin/env python3
"""Expected values for tests/reliability_kinds.rs (issue #14), computed offline with established packages.

Run from the repository root:  python3 tests/reference/make_kinds.py > tests/reference/kinds.json

- nominal items (a checklist feature 0 = absent / 1 = present; a unit-meeting class 0..2):
  % agreement by hand; Cohen's kappa: sklearn.metrics.cohen_kappa_score with labels = every
  declared category; Krippendorff's alpha: krippendorff.alpha(level_of_measurement="nominal",
  value_domain = the categories); Gwet's AC1: irrCAC.raw.CAC(..., categories=...).gwet();
- counts and ratios (reflections logged per session, reflection-to-question ratio): ICC(1,1):
  pingouin.intraclass_corr, CI by the F formulas pingouin uses (pingouin prints 2 decimals);
  Krippendorff's alpha, interval;
- event timing (one code's logged times, two coders): the largest one-to-one matching within
  +-2 s by scipy.optimize.linear_sum_assignment (a different algorithm from tapecoder's sweep).
"""
import json
import math
import sys
import warnings

import numpy as np
import pandas as pd
import pingouin as pg
import krippendorff
from irrCAC.raw import CAC
from scipy.optimize import linear_sum_assignment
from scipy.stats import f as fdist
from sklearn.metrics import cohen_kappa_score

warnings.filterwarnings("ignore")


def num(x):
    x = float(x)
    return None if not math.isfinite(x) else round(x, 9) + 0.0


NOMINAL = {
    # 20 recordings, "curious and reflective discussion" present (1) or absent (0).
    "checklist_feature": {
        "categories": 2,
        "pairs": [(1, 1), (1, 1), (0, 0), (1, 0), (1, 1), (0, 0), (1, 1), (0, 1), (1, 1), (1, 1),
                  (0, 0), (1, 1), (1, 1), (0, 0), (1, 0), (1, 1), (1, 1), (0, 0), (1, 1), (1, 1)],
    },
    # 15 unit meetings classed systemic (0), green shoots (1), un-systemic (2).
    "meeting_class": {
        "categories": 3,
        "pairs": [(0, 0), (1, 1), (2, 2), (0, 1), (1, 1), (2, 2), (0, 0), (1, 2), (2, 2), (0, 0),
                  (1, 1), (1, 0), (2, 2), (0, 0), (1, 1)],
    },
    # A rare feature: the kappa paradox on a nominal item (no 2 used: a declared, unused class).
    "rare_feature": {
        "categories": 3,
        "pairs": [(0, 0)] * 17 + [(0, 1), (1, 0), (1, 1)],
    },
}

COUNTS = {
    # Simple reflections logged in 12 sessions by two coders.
    "reflections": [(12, 14), (5, 5), (20, 17), (8, 9), (15, 15), (3, 5), (11, 10), (25, 22),
                    (7, 8), (9, 12), (18, 18), (4, 3)],
    # Reflection-to-question ratio in 10 sessions.
    "r_to_q": [(1.2, 1.1), (0.5, 0.6), (2.0, 1.75), (0.8, 0.8), (1.5, 1.25), (0.3, 0.45),
               (1.1, 1.0), (2.5, 2.2), (0.7, 0.9), (1.0, 1.2)],
}

TIMING = {
    "open_questions": {
        "window": 2.0,
        "first": [3.1, 10.0, 12.4, 30.2, 31.0, 55.5, 61.0, 90.0, 91.5, 120.0],
        "second": [4.5, 11.2, 13.9, 29.0, 33.5, 55.0, 70.0, 89.0, 92.0, 93.4, 150.0],
    },
    "crowded": {
        "window": 2.0,
        "first": [1.0, 2.0, 3.0, 4.0, 5.0, 9.0],
        "second": [2.9, 3.1, 3.3, 7.5, 12.0],
    },
}


def nominal(case):
    cats = list(range(case["categories"]))
    a = [p[0] for p in case["pairs"]]
    b = [p[1] for p in case["pairs"]]
    pct = 100.0 * sum(x == y for x, y in zip(a, b)) / len(a)
    kappa = cohen_kappa_score(a, b, labels=cats)
    alpha = krippendorff.alpha(reliability_data=np.array([a, b], float),
                               level_of_measurement="nominal", value_domain=[float(c) for c in cats])
    df = pd.DataFrame({"A": [float(x) for x in a], "B": [float(x) for x in b]})
    g = CAC(df, weights="identity", categories=[float(c) for c in cats], digits=9).gwet()["est"]
    return {"categories": case["categories"], "pairs": [list(p) for p in case["pairs"]],
            "percent": num(pct), "kappa": num(kappa), "alpha_nominal": num(alpha),
            "ac1": {"value": num(g["coefficient_value"]), "se": num(g["se"]),
                    "ci95": [num(g["confidence_interval"][0]), num(g["confidence_interval"][1])]}}


def counts(pairs):
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    n, k = len(a), 2
    df = pd.DataFrame({"t": list(range(n)) * 2, "r": ["A"] * n + ["B"] * n, "s": a + b})
    res = pg.intraclass_corr(df, targets="t", raters="r", ratings="s").set_index("Type")
    est = res.loc["ICC(1,1)", "ICC"]
    x = np.array([a, b], float).T
    grand = x.mean()
    msr = k * ((x.mean(1) - grand) ** 2).sum() / (n - 1)
    msw = (((x - grand) ** 2).sum() - (n - 1) * msr) / (n * (k - 1))
    f1 = msr / msw
    q = lambda d1, d2: fdist.ppf(0.975, d1, d2)
    fl, fu = f1 / q(n - 1, n * (k - 1)), f1 * q(n * (k - 1), n - 1)
    ci = [(fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1)]
    ci_pg = res.loc["ICC(1,1)", "CI95"]
    assert all(abs(u - v) < 0.006 for u, v in zip(ci, ci_pg)), (ci, ci_pg)
    alpha = krippendorff.alpha(reliability_data=np.array([a, b], float), level_of_measurement="interval")
    return {"pairs": [list(p) for p in pairs], "icc1": num(est), "icc1_ci95": [num(c) for c in ci],
            "alpha_interval": num(alpha)}


def timing(case):
    a, b, w = case["first"], case["second"], case["window"]
    cost = np.array([[0.0 if abs(x - y) <= w else 1.0 for y in b] for x in a])
    r, c = linear_sum_assignment(cost)
    matched = int(sum(cost[i, j] == 0.0 for i, j in zip(r, c)))
    return {"window": w, "first": a, "second": b, "matched": matched,
            "percent": num(200.0 * matched / (len(a) + len(b)))}


def main():
    out = {"note": __doc__.strip().splitlines()[0],
           "nominal": {k: nominal(v) for k, v in NOMINAL.items()},
           "counts": {k: counts(v) for k, v in COUNTS.items()},
           "timing": {k: timing(v) for k, v in TIMING.items()}}
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
