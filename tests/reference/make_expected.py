#!/usr/bin/env python3
"""Expected values for tests/reliability_edge_cases.rs, computed offline with established packages.

Run from the repository root:  python3 tests/reference/make_expected.py > tests/reference/edge_cases.json

- ICCs: pingouin.intraclass_corr (estimates, F, df); the 95% CIs by the formulas pingouin uses
  (pingouin prints them to 2 decimals only), checked here against pingouin's rounded CI. When the
  residual mean square is zero pingouin's Satterthwaite df is 0/0; the CI then comes from McGraw &
  Wong's (1996) a, b form of the same df, which tends to k - 1, and the script checks it against
  pingouin on the same data with a 1e-7 perturbation (the limit).
- Cohen's kappa: sklearn.metrics.cohen_kappa_score with labels = the full scale.
- Gwet's AC1 / AC2: irrCAC.raw.CAC(...).gwet() with categories = the full scale.
- Krippendorff's alpha: krippendorff.alpha (ordinal, interval), value_domain = the full scale.
Undefined values are null (the Rust side must then report a reason).
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
from scipy.stats import f as fdist
from sklearn.metrics import cohen_kappa_score

warnings.filterwarnings("ignore")
SCALE = [1, 2, 3, 4, 5]

CASES = {
    # b = a + 1: exact agreement 0%, MSE = 0, ICC(2,1) = 0.7 (issue 12).
    "zero_mse": [(a, a + 1) for a in (1, 1, 2, 2, 2, 3, 3, 3, 4, 4)],
    "perfect_agreement": [(1, 1), (3, 3), (5, 5), (2, 2), (4, 4), (3, 3)],
    # A constant offset on most recordings, so MSE is small but not zero.
    "offset": [(1, 2), (2, 3), (3, 4), (4, 5), (2, 3), (3, 3), (4, 5), (1, 2), (3, 4), (2, 2)],
    # The kappa paradox: high agreement on a skewed distribution, low kappa, high AC1.
    "skewed_kappa": [(4, 4)] * 16 + [(4, 5), (5, 4), (4, 3), (4, 4)],
    # Scores 1, 2 and 4 on a 1..5 scale: 3 and 5 unused but still categories.
    "unused_category": [(1, 2), (2, 4), (4, 4), (1, 1), (2, 1), (4, 2), (2, 2), (4, 4)],
    # Mirrored ratings: every recording's mean is 3, MSE > 0.
    "mirrored": [(1, 5), (5, 1), (2, 4), (4, 2)],
    "single_recording": [(2, 4)],
}


def num(x):
    x = float(x)
    return None if not math.isfinite(x) else round(x, 9) + 0.0  # + 0.0: no "-0.0"


def icc_ci_formulas(a, b):
    """The CI formulas pingouin uses, from the mean squares; a,b form for ICC(2,·)."""
    x = np.array([a, b], float).T
    n, k = x.shape
    grand = x.mean()
    ssr = k * ((x.mean(1) - grand) ** 2).sum()
    ssc = n * ((x.mean(0) - grand) ** 2).sum()
    sst = ((x - grand) ** 2).sum()
    msr = ssr / (n - 1)
    msw = (sst - ssr) / (n * (k - 1))
    msc = ssc / (k - 1)
    mse = max(sst - ssr - ssc, 0.0) / ((n - 1) * (k - 1))
    if abs(mse) < 1e-12:
        mse = 0.0
    if abs(msw) < 1e-12:
        msw = 0.0
    out = {}
    q = lambda d1, d2: fdist.ppf(0.975, d1, d2)
    # ICC(1)
    if msw > 0:
        f1 = msr / msw
        fl, fu = f1 / q(n - 1, n * (k - 1)), f1 * q(n * (k - 1), n - 1)
        out["ICC(1,1)"] = [(fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1)]
        out["ICC(1,k)"] = [1 - 1 / fl, 1 - 1 / fu]
    else:
        out["ICC(1,1)"] = out["ICC(1,k)"] = [1.0, 1.0]
    # ICC(3)
    if mse > 0:
        f3 = msr / mse
        fl, fu = f3 / q(n - 1, (n - 1) * (k - 1)), f3 * q((n - 1) * (k - 1), n - 1)
        out["ICC(3,1)"] = [(fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1)]
        out["ICC(3,k)"] = [1 - 1 / fl, 1 - 1 / fu]
    else:
        out["ICC(3,1)"] = out["ICC(3,k)"] = [1.0, 1.0]
    # ICC(2): McGraw & Wong a, b form.
    rho = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
    if rho >= 1:
        out["ICC(2,1)"] = out["ICC(2,k)"] = [1.0, 1.0]
    else:
        aa = k * rho / (n * (1 - rho))
        bb = 1 + k * rho * (n - 1) / (n * (1 - rho))
        v = (aa * msc + bb * mse) ** 2 / ((aa * msc) ** 2 / (k - 1) + (bb * mse) ** 2 / ((n - 1) * (k - 1)))
        fu, fl = q(n - 1, v), q(v, n - 1)
        c = k * msc + (k * n - k - n) * mse
        lo = n * (msr - fu * mse) / (fu * c + n * msr)
        hi = n * (fl * msr - mse) / (c + n * fl * msr)
        out["ICC(2,1)"] = [lo, hi]
        out["ICC(2,k)"] = [lo * k / (1 + lo * (k - 1)), hi * k / (1 + hi * (k - 1))]
    return out


def iccs(pairs):
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    if len(pairs) < 2:
        return None
    df = pd.DataFrame(
        {"t": list(range(len(a))) * 2, "r": ["A"] * len(a) + ["B"] * len(b), "s": a + b}
    )
    res = pg.intraclass_corr(df, targets="t", raters="r", ratings="s").set_index("Type")
    names = {"ICC(1,1)": "ICC(1,1)", "ICC(A,1)": "ICC(2,1)", "ICC(C,1)": "ICC(3,1)",
             "ICC(1,k)": "ICC(1,k)", "ICC(A,k)": "ICC(2,k)", "ICC(C,k)": "ICC(3,k)"}
    cis = icc_ci_formulas(a, b)
    # pingouin on a perturbation: the zero-residual limits.
    eps = [1e-7 * ((i * 37) % 7 - 3) for i in range(len(b))]
    dfp = df.copy()
    dfp.loc[dfp.r == "B", "s"] = np.array(b, float) + eps
    resp = pg.intraclass_corr(dfp, targets="t", raters="r", ratings="s").set_index("Type")
    out = {}
    x = np.array([a, b], float).T
    n, k = x.shape
    grand = x.mean()
    msr = k * ((x.mean(1) - grand) ** 2).sum() / (n - 1)
    msc = n * ((x.mean(0) - grand) ** 2).sum() / (k - 1)
    mse = (((x - grand) ** 2).sum() - (n - 1) * msr - (k - 1) * msc) / ((n - 1) * (k - 1))
    for t, name in names.items():
        est = res.loc[t, "ICC"]
        if name == "ICC(2,k)" and msr + (msc - mse) / n <= 0:
            # pingouin divides by a non-positive denominator; tapecoder reports it undefined.
            out[name] = {"est": None, "pingouin_est": num(est), "ci95": None}
            continue
        row = {"est": num(est), "ci95": [num(c) for c in cis[name]]}
        ci_pg = res.loc[t, "CI95"]
        if not all(math.isfinite(c) for c in cis[name]):
            row["ci95"] = None  # the Satterthwaite df is 0/0: no interval
        elif all(math.isfinite(c) for c in ci_pg):
            assert all(abs(x - y) < 0.006 for x, y in zip(cis[name], ci_pg)), (name, cis[name], ci_pg)
        else:
            lim = resp.loc[t, "CI95"]
            row["pingouin_perturbed_ci95"] = [float(x) for x in lim]
            assert all(abs(x - y) < 0.006 for x, y in zip(cis[name], lim)), (name, cis[name], lim)
        out[name] = row
    return out


def kappas(pairs):
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    out = {}
    for w, key in [(None, "kappa_unweighted"), ("linear", "kappa_linear"), ("quadratic", "kappa_quadratic")]:
        k = cohen_kappa_score(a, b, labels=SCALE, weights=w)
        out[key] = num(k)
    return out


def gwets(pairs):
    df = pd.DataFrame({"A": [float(p[0]) for p in pairs], "B": [float(p[1]) for p in pairs]})
    out = {}
    for w, key in [("identity", "ac1"), ("linear", "ac2_linear"), ("quadratic", "ac2_quadratic")]:
        if len(pairs) < 2:
            out[key] = None
            continue
        cac = CAC(df, weights=w, categories=[float(c) for c in SCALE], digits=9)
        g = cac.gwet()["est"]
        out[key] = {"value": num(g["coefficient_value"]), "se": num(g["se"]),
                    "ci95": [num(g["confidence_interval"][0]), num(g["confidence_interval"][1])]}
    return out


def alphas(pairs):
    data = np.array(pairs, float).T
    out = {}
    for m in ["ordinal", "interval"]:
        try:
            v = krippendorff.alpha(reliability_data=data, level_of_measurement=m,
                                   value_domain=[float(c) for c in SCALE])
        except Exception:
            v = float("nan")
        out["alpha_" + m] = num(v)
    return out


def main():
    result = {"note": __doc__.strip().splitlines()[0], "scale": SCALE, "cases": {}}
    for name, pairs in CASES.items():
        case = {"pairs": [list(p) for p in pairs], "icc": iccs(pairs)}
        case.update(kappas(pairs))
        case.update(gwets(pairs))
        case.update(alphas(pairs))
        result["cases"][name] = case
    json.dump(result, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
