#!/usr/bin/env python3
"""Markdown table of the `snn lsm --preset paper` runs in bench/lsm/results (issue 22).

Usage: python3 bench/lsm/table.py [results_dir]. One row per JSON file (data x rule x seed x tag), with the
raw-pixel baseline of the same run, the paper's number, the branching factors, the plastic presentations,
the ridge penalty and the CPU time (process total, and plastic / frozen / readout phases when the run
reports them). Cost probes (files named *probe*) are left out. Then a summary over seeds: one row per data set x
liquid size x rule x split x plastic presentations, with the number of seeds and the mean, minimum and maximum
test accuracy of the liquid and of the raw pixels."""
import json
import pathlib
import sys

PAPER = {"mnist": 97.61, "fashion": 85.84}  # NALSM, 8,000 neurons (Ivanov & Michmizos 2021, Table 1)


def main():
    d = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "bench/lsm/results")
    rows = []
    groups = {}
    for f in sorted(d.glob("*.json"), key=lambda f: (json_key(f), f.name)):
        if "probe" in f.name:
            continue
        text = f.read_text().strip()
        if not text:
            continue
        j = json.loads(text)
        t = f.with_suffix(".time")
        cpu = ""
        if t.exists():
            try:
                tt = json.loads(t.read_text().strip().splitlines()[-1])
                cpu = f"{tt['user_seconds'] + tt['sys_seconds']:.0f}"
            except (ValueError, KeyError, IndexError):
                cpu = ""
        phases = "/".join(f"{j[k]:.0f}" for k in ("plastic_cpu_seconds", "frozen_cpu_seconds", "readout_cpu_seconds") if k in j)
        key = (j["data"], j["neurons"], j["rule"], f"{j['train']}/{j['val']}/{j['test']}", j.get("plastic_digits", ""))
        groups.setdefault(key, []).append((j["seed"], 100 * j["test_accuracy"], 100 * j["pixel_test_accuracy"]))
        during = [x for x in j.get("branching_factor_during", []) if x is not None]
        rows.append(
            "| {data} | {neurons} | {rule} | {seed} | {tr}/{va}/{te} | {acc:.2f} | {pix:.2f} | {paper} | {bfb} | {bfd} | {bfa} | {rate:.1f} | {plastic} | {ridge:g} | {cpu} | {phases} |".format(
                data=j["data"], neurons=j["neurons"], rule=j["rule"], seed=j["seed"], tr=j["train"], va=j["val"], te=j["test"],
                acc=100 * j["test_accuracy"], pix=100 * j["pixel_test_accuracy"], paper=PAPER.get(j["data"], ""),
                bfb=fmt(j.get("branching_factor_before")),
                bfd=(fmt(during[0]) + " .. " + fmt(during[-1])) if during else "-",
                bfa=fmt(j.get("branching_factor_after")), rate=j["mean_rate_hz"], cpu=cpu,
                plastic=j.get("plastic_digits", ""), ridge=j.get("ridge", 0), phases=phases or "-"))
    print("| data | neurons | rule | seed | fit/val/test | liquid test % | raw-pixel test % | paper NALSM % | BF before | BF during (first .. last tenth) | BF after | rate Hz | plastic pres. | ridge | CPU s | CPU s plastic/frozen/readout |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(r)
    print()
    print("| data | neurons | rule | fit/val/test | plastic pres. | seeds | liquid test % mean (min .. max) | raw-pixel test % mean (min .. max) |")
    print("|---|---|---|---|---|---|---|---|")
    for (data, neurons, rule, split, plastic), runs in sorted(groups.items()):
        seeds = ",".join(str(s) for s, _, _ in sorted(runs))
        print(f"| {data} | {neurons} | {rule} | {split} | {plastic} | {seeds} | {spread([a for _, a, _ in runs])} | {spread([p for _, _, p in runs])} |")


def spread(xs):
    """Mean (min .. max) of a list of percentages; the mean alone for one value."""
    m = sum(xs) / len(xs)
    return f"{m:.2f}" if len(xs) == 1 else f"{m:.2f} ({min(xs):.2f} .. {max(xs):.2f})"


def json_key(f):
    """Sort by data set, liquid size, rule, seed (the file name's order otherwise)."""
    try:
        j = json.loads(f.read_text().strip())
        return (j["data"], j["neurons"], j["rule"], j["seed"])
    except (ValueError, KeyError):
        return ("", 0, "", 0)


def fmt(x):
    return "-" if x is None else f"{x:.3f}"


if __name__ == "__main__":
    main()
