"""bench/lsm/compare.py's paired t-test (issue 22): its Student t tail against closed forms and hand-made data."""
import json
import math
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench" / "lsm"))
from compare import t_two_sided_p  # noqa: E402


def test_t_tail_matches_closed_forms():
    for t in [0.1, 0.5, 1.0, 2.0, 4.3027, 10.0, 100.0]:
        # df = 1 is the Cauchy distribution: P(|T| >= t) = 1 - 2 atan(t) / pi.
        assert math.isclose(t_two_sided_p(t, 1), 1 - 2 * math.atan(t) / math.pi, rel_tol=1e-12, abs_tol=1e-15)
        # df = 2: P(|T| >= t) = 1 - t / sqrt(t^2 + 2).
        assert math.isclose(t_two_sided_p(t, 2), 1 - t / math.sqrt(t * t + 2), rel_tol=1e-12, abs_tol=1e-15)
    # Printed two-sided 5% critical values of Student's t (any statistics table).
    for df, crit in [(2, 4.303), (3, 3.182), (4, 2.776), (5, 2.571), (10, 2.228), (30, 2.042)]:
        assert abs(t_two_sided_p(crit, df) - 0.05) < 5e-4, df
    assert t_two_sided_p(0.0, 7) == 1.0


def test_paired_rows_from_result_files(tmp_path):
    # astro beats none by 1, 2 and 3 points on seeds 0-2: mean 2, sd 1, t = 2 sqrt(3), df 2.
    for seed, (astro, none) in enumerate([(0.91, 0.90), (0.92, 0.90), (0.93, 0.90)]):
        for rule, acc in [("astro", astro), ("none", none)]:
            (tmp_path / f"mnist_{rule}_s{seed}.json").write_text(json.dumps({
                "data": "mnist", "neurons": 8000, "rule": rule, "seed": seed, "train": 10, "val": 2, "test": 5,
                "test_accuracy": acc, "pixel_test_accuracy": 0.85}))
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "lsm" / "compare.py"), str(tmp_path)],
                         capture_output=True, text=True, check=True).stdout
    row = next(line for line in out.splitlines() if "astro - none" in line)
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[4] == "0,1,2"
    assert cells[5] == "+2.00" and cells[6] == "1.00"
    assert cells[7] == f"{2 * math.sqrt(3):.2f}"
    assert cells[8] == f"{1 - 2 * math.sqrt(3) / math.sqrt(12 + 2):.3f}"
