"""The report of docs/results/cifar10/ with the papers' claims checked on the runs of reproduce_cifar10.sh
(the command line's report has no claims option; the Python module's has).
Usage: PYTHONPATH=build/python /usr/bin/python3 scripts/report_cifar10_claims.py STORE [OUT] [EPOCHS]"""

import sys

import wavetwin

CLAIMS = [
    ("CMod is more shift-invariant than RMax (P1; P2 Table II)", "R18wyC_mod", "R18wyC", "flip_rate", True),
    ("the CMod twin is more shift-invariant than the standard model (P2 Table II)", "R18wyC_mod", "R18C",
     "flip_rate", True),
    ("the CMod twin is more accurate than the standard model (P2 Table II)", "R18wyC_mod", "R18C", "onecrop_top1",
     True),
    ("the RMax twin is more accurate than the standard model (P2 Table II)", "R18wyC", "R18C", "onecrop_top1", True),
    ("the CMod twin is more accurate than the RMax twin (P2 Table II)", "R18wyC_mod", "R18wyC", "onecrop_top1", True),
]

store = sys.argv[1]
out = sys.argv[2] if len(sys.argv) > 2 else "docs/results/cifar10"
epochs = sys.argv[3] if len(sys.argv) > 3 else "15"
report = wavetwin.report(["R18C", "R18wyC", "R18wyC_mod"], out=out, store=store, reference="R18C", paper="cifar10",
                         claims=CLAIMS, title=f"CIFAR-10 reproduction: ResNet-18 and its wavelet twins ({epochs} epochs)")
print(report.claims_table)
print(report.claims_summary)
