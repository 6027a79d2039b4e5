"""`neuroevo report` in a real browser (headless Chromium): the page built from real runs made here
(CartPole GA and ES over 3 seeds, a BBOB campaign, a hard-maze GA-NS run, a 2-rank MPI run, a COBA spike
recording, champion and baseline replays) is checked against the run files, read independently."""
import json
import math
import os
import shutil
import subprocess
import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from report_common import (SOURCE_DIR, WORK, browser, console_errors, neuroevo, path_vertices, read_csv,
                           screenshot)

W = WORK / "static"
SEEDS = (0, 1, 2)
TINY_GA = ["--set", "run.generations=4", "--set", "strategy.population=24", "--set", "strategy.elite_candidates=3",
           "--set", "strategy.elite_episodes=2", "--set", "run.eval_episodes=5", "--set", "run.checkpoint_every=100",
           "--set", "noise.size=1048576", "--threads", "1", "--quiet"]
TINY_ES = ["--set", "run.generations=4", "--set", "strategy.population=24", "--set", "run.eval_episodes=5",
           "--set", "run.checkpoint_every=100", "--set", "noise.size=1048576", "--threads", "1", "--quiet"]


@pytest.fixture(scope="session")
def runs():
    """Makes every input of the report once (about 20 s on one core)."""
    if W.exists():
        shutil.rmtree(W)
    (W / "runs").mkdir(parents=True)
    (W / "replays").mkdir()
    ex = SOURCE_DIR / "examples"
    for s in SEEDS:
        neuroevo("run", ex / "cartpole_ga.toml", *TINY_GA, "--seed", s, "--out", W / "runs" / f"ga_s{s}")
        neuroevo("run", ex / "cartpole_es.toml", *TINY_ES, "--seed", s, "--out", W / "runs" / f"es_s{s}")
    neuroevo("run", ex / "hard_maze_ga_ns.toml", "--set", "run.generations=5", "--set", "strategy.population=40",
             "--threads", "1", "--quiet", "--out", W / "runs" / "maze_ga_ns")
    neuroevo("run", ex / "hard_maze_map_elites.toml", "--set", "run.generations=4", "--set", "strategy.population=40",
             "--threads", "1", "--quiet", "--out", W / "runs" / "maze_map_elites")
    neuroevo("run", ex / "neat_xor.toml", "--set", "run.generations=5", "--set", "strategy.population=50",
             "--threads", "1", "--quiet", "--out", W / "runs" / "neat_xor")
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    mpi = subprocess.run(["mpirun", "--oversubscribe", "-np", "2", os.environ.get("NEUROEVO_BIN", str(SOURCE_DIR / "build/neuroevo")),
                          "run", ex / "cartpole_ga.toml", *TINY_GA, "--set", "strategy.population=30",
                          "--out", W / "mpi" / "ga_np2"], capture_output=True, text=True, timeout=300, env=env)
    assert mpi.returncode == 0, mpi.stdout + mpi.stderr
    neuroevo("bbob", "run", "--strategies", "cmaes,random_search", "--functions", "1,2,6,10,15,20,21", "--instances", "1-2",
             "--dims", "2,3", "--budget", "200", "--threads", "1", "--out", W / "bbob")
    neuroevo("snn", "coba", "--neurons", "400", "--seconds", "0.2", "--record", W / "spikes")
    neuroevo("eval", W / "runs" / "ga_s0", "--episodes", "1", "--threads", "1", "--record", W / "runs" / "ga_s0" / "replay.json")
    for env_name, fname in (("minatar/breakout", "breakout"), ("Acrobot-v1", "acrobot"), ("MountainCar-v0", "mountaincar"),
                            ("Pendulum-v1", "pendulum")):
        neuroevo("eval", "--env", env_name, "--policy", "random", "--episodes", "1", "--threads", "1",
                 "--record", W / "replays" / f"{fname}.json")
    neuroevo("report", W / "runs", W / "mpi", W / "bbob", W / "spikes", W / "replays", "--out", W / "report.html")
    return W


@pytest.fixture(scope="session")
def page(runs):
    d = browser(1400, 1000)
    d.get((runs / "report.html").as_uri())
    for _ in range(100):
        if d.execute_script("return document.body.dataset.renders"):
            break
        time.sleep(0.05)
    yield d
    d.quit()


def run_dirs():
    return [*(f"runs/ga_s{s}" for s in SEEDS), *(f"runs/es_s{s}" for s in SEEDS), "runs/maze_ga_ns", "runs/maze_map_elites",
            "runs/neat_xor", "mpi/ga_np2"]


def report_runs(page):
    return page.execute_script("return window.neuroevoReport.data.runs.map(r => [r.id, r.path])")


def test_no_console_errors(page):
    assert page.execute_script("return document.body.dataset.renders") == "1"
    assert console_errors(page) == []


def test_one_self_contained_file(runs):
    html = (runs / "report.html").read_text()
    assert "<script src" not in html and "<link" not in html and "http://" not in html.split("report-data")[0]


def test_each_run_curve_has_one_point_per_metrics_row(page, runs):
    page.find_element(By.ID, "group-seeds").click()  # seeds apart: one curve per run and metric
    try:
        ids = dict((p, i) for i, p in report_runs(page))
        assert sorted(ids) == sorted(run_dirs())
        curves = page.find_elements(By.CSS_SELECTOR, "#curves path.curve")
        assert len(curves) == len(ids) * 2  # best and mean are on by default
        for path, rid in ids.items():
            rows = read_csv(runs / path / "metrics.csv")
            for metric in ("best", "mean"):
                c = page.find_element(By.CSS_SELECTOR, f'#curves path.curve[data-run="{rid}"][data-metric="{metric}"]')
                assert int(c.get_attribute("data-points")) == len(rows)
                assert path_vertices(c.get_attribute("d")) == len(rows)
            # The embedded values are the file's, to the 6 significant digits the page keeps.
            data = page.execute_script(f"return window.neuroevoReport.data.runs[{rid}].metrics")
            for k in ("best", "mean", "median", "episodes", "wall_time"):
                for row, v in zip(rows, data[k]):
                    assert v == pytest.approx(float(row[k]), rel=1e-5, abs=1e-9)
        screenshot(page, "curves_per_run")
    finally:
        page.find_element(By.ID, "group-seeds").click()


def test_seed_groups_median_and_band(page, runs):
    groups = page.execute_script("return window.neuroevoReport.data.groups")
    sizes = sorted(len(g["runs"]) for g in groups)
    assert sizes == [1, 1, 1, 1, 3, 3]  # GA x 3 seeds, ES x 3 seeds, two maze runs, NEAT, the MPI run (other population)
    curves = page.find_elements(By.CSS_SELECTOR, "#curves path.curve")
    assert len(curves) == len(groups) * 2
    bands = page.find_elements(By.CSS_SELECTOR, "#curves path.band")
    assert len(bands) == 2 * 2  # the two 3-seed groups, best and mean
    runs_by_id = dict(report_runs(page))
    checked = 0
    for g in groups:
        if len(g["runs"]) != 3:
            continue
        c = page.find_element(By.CSS_SELECTOR, f'#curves path.curve[data-group="{g["id"]}"][data-metric="best"]')
        rows = [read_csv(runs / runs_by_id[r] / "metrics.csv") for r in g["runs"]]
        assert int(c.get_attribute("data-points")) == max(map(len, rows))
        # Hover the last point: the tooltip shows the median over the seeds, computed here from the files.
        median = sorted(float(r[-1]["best"]) for r in rows)[1]
        svg = c.find_element(By.XPATH, "ancestor::*[local-name()='svg']")
        last = c.get_attribute("d").replace("M", "L").split("L")[-1]
        x, y = (float(v) for v in last.split(","))
        size = svg.size
        ActionChains(page).move_to_element_with_offset(svg, int(x - size["width"] / 2), int(y - size["height"] / 2)).perform()
        tip = page.find_element(By.ID, "tooltip")
        assert tip.is_displayed()
        text = tip.text
        # The nearest point is this curve's last one, or another group's best curve drawn on the same pixel.
        assert "best median" in text
        if g["label"] in text:
            value = float(text.split("best median: ")[1].split("\n")[0])
            assert value == pytest.approx(median, rel=1e-5)
            checked += 1
    assert checked >= 1
    screenshot(page, "curves_grouped")


def test_x_axis_switch(page, runs):
    before = [c.get_attribute("d") for c in page.find_elements(By.CSS_SELECTOR, "#curves path.curve")]
    Select(page.find_element(By.ID, "x-axis")).select_by_value("wall_time")
    after = [c.get_attribute("d") for c in page.find_elements(By.CSS_SELECTOR, "#curves path.curve")]
    assert len(after) == len(before) and after != before
    assert "wall time" in page.find_element(By.CSS_SELECTOR, "#curves .axis-label").text
    Select(page.find_element(By.ID, "x-axis")).select_by_value("generation")


def test_runs_table(page, runs):
    ids = dict(report_runs(page))
    rows = page.find_elements(By.CSS_SELECTOR, "#runs tbody tr")
    assert len(rows) == len(ids)
    header = [th.text for th in page.find_elements(By.CSS_SELECTOR, "#runs thead th")]
    assert "run.seed" in header and "strategy.name" in header and "champion return" in header
    for tr in rows:
        cells = [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        summary = json.loads((runs / cells[0] / "summary.json").read_text())
        assert cells[1] == "finished"
        assert cells[2] == summary["env"] and cells[4] == summary["strategy"]
        assert cells[5] == str(summary["num_params"])
        mean = float(cells[header.index("champion return")].split(" \u00b1 ")[0])
        assert mean == pytest.approx(summary["champion"]["mean_return"], rel=1e-5)


def test_ecdf_final_values_match_ecdf_csv(page, runs):
    final = {}
    for r in read_csv(runs / "bbob" / "ecdf.csv"):
        final[(r["strategy"], r["dim"])] = float(r["fraction"])  # the file's rows end with the budget
    lines = page.find_elements(By.CSS_SELECTOR, '#bbob path.ecdf[data-group="all"]')
    assert len(lines) == len(final) == 4
    for l in lines:
        key = (l.get_attribute("data-strategy"), l.get_attribute("data-dim"))
        assert float(l.get_attribute("data-final")) == pytest.approx(final[key], abs=1e-12)
    groups = {l.get_attribute("data-group") for l in page.find_elements(By.CSS_SELECTOR, "#bbob path.ecdf")}
    assert groups == {"separable", "moderate", "ill-conditioned", "multi-modal", "weakly structured", "all"}
    page.find_element(By.ID, "bbob").screenshot(str(WORK / "screenshots" / "bbob.png"))


def test_art_table_marks_the_best(page, runs):
    ert = read_csv(runs / "bbob" / "ert.csv")
    body = page.find_elements(By.CSS_SELECTOR, "#bbob .art-table tbody tr")
    assert len(body) == 2 * 7  # dims x functions
    for tr in body:
        tds = tr.find_elements(By.TAG_NAME, "td")
        dim, f = tds[0].text, tds[1].text[1:]
        recs = {r["strategy"]: r for r in ert if r["dim"] == dim and r["function"] == f}
        arts = {s: float(r["aRT"]) for s, r in recs.items()}
        best = min(arts.values())
        for td, s in zip(tds[2:], ("cmaes", "random_search")):
            assert ("best" in (td.get_attribute("class") or "")) == (math.isfinite(arts[s]) and arts[s] == best)
            assert td.text.endswith(f'({recs[s]["successes"]}/{recs[s]["runs"]})')


def test_map_elites_heat_map(page, runs):
    ids = {p: i for i, p in report_runs(page)}
    box = page.find_element(By.CSS_SELECTOR, f'#behaviours .maze-box[data-run="{ids["runs/maze_map_elites"]}"]')
    # Cells of the config's 20 x 20 grid over [5, 200]^2 that hold an elite, computed here from archive.csv.
    cells = set()
    for r in read_csv(runs / "runs" / "maze_map_elites" / "archive.csv"):
        cx = min(19, max(0, int((float(r["b0"]) - 5.0) / 195.0 * 20)))
        cy = min(19, max(0, int((float(r["b1"]) - 5.0) / 195.0 * 20)))
        cells.add((cx, cy))
    assert int(box.get_attribute("data-cells")) == len(cells) > 1
    assert len(box.find_elements(By.CSS_SELECTOR, "g.heatmap rect.cell")) == len(cells)
    box.screenshot(str(WORK / "screenshots" / "map_elites.png"))


def test_maze_behaviours(page, runs):
    ids = {p: i for i, p in report_runs(page)}
    box = page.find_element(By.CSS_SELECTOR, f'#behaviours .maze-box[data-run="{ids["runs/maze_ga_ns"]}"]')
    pop = read_csv(runs / "runs" / "maze_ga_ns" / "behaviours.csv")
    arc = read_csv(runs / "runs" / "maze_ga_ns" / "archive.csv")
    assert len(box.find_elements(By.CSS_SELECTOR, "g.population circle")) == len(pop)
    assert len(box.find_elements(By.CSS_SELECTOR, "g.archive circle")) == len(arc)
    assert len(box.find_elements(By.CSS_SELECTOR, "g.walls line")) >= 4
    path = box.find_element(By.CSS_SELECTOR, "path.champion-path")
    assert int(path.get_attribute("data-points")) == 401  # start + 400 steps
    box.screenshot(str(WORK / "screenshots" / "maze.png"))


def test_neat_champion_network_is_shown(page, runs):
    ids = {p: i for i, p in report_runs(page)}
    imgs = page.find_elements(By.CSS_SELECTOR, "#networks img.champion-svg")
    assert [int(i.get_attribute("data-run")) for i in imgs] == [ids["runs/neat_xor"]]  # only runs that drew one
    img = imgs[0]
    # The image is the run's own champion.svg, and the browser decoded it (a broken image has no width).
    src = page.execute_script("return decodeURIComponent(arguments[0].src.split(',').slice(1).join(','))", img)
    assert src == (runs / "runs" / "neat_xor" / "champion.svg").read_text()
    assert page.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img) > 0
    img.screenshot(str(WORK / "screenshots" / "neat_network.png"))


def test_mpi_utilisation_and_bytes(page, runs):
    rows = read_csv(runs / "mpi" / "ga_np2" / "metrics.csv")
    ranks = page.find_elements(By.CSS_SELECTOR, "#mpi path.curve[data-rank]")
    assert len(ranks) == 2
    for p in ranks:
        assert int(p.get_attribute("data-points")) == len(rows)
    util = page.execute_script("return window.neuroevoReport.data.runs.find(r => r.mpi).mpi")
    assert [round(u, 4) for u in util["rank_util"][-1]] == [round(float(v), 4) for v in rows[-1]["rank_util"].split(";")]
    assert util["bytes_per_ind"][-1] == pytest.approx(float(rows[-1]["bytes_per_ind"]), rel=1e-5)


def test_spike_raster_and_rate(page, runs):
    meta = json.loads((runs / "spikes" / "spikes.json").read_text())
    spikes = read_csv(runs / "spikes" / "spikes.csv")
    assert len(spikes) == meta["spikes"] > 0
    cv = page.find_element(By.CSS_SELECTOR, "#spikes canvas.raster")
    shown = int(cv.get_attribute("data-neurons"))
    assert int(cv.get_attribute("data-spikes")) == sum(1 for s in spikes if int(s["neuron"]) < shown)
    rate = page.execute_script("return window.neuroevoReport.data.spikes[0].rate")
    # Mean of the 1 ms population rate = the recording's mean rate.
    assert sum(rate["hz"]) / len(rate["hz"]) == pytest.approx(meta["mean_rate_hz"], rel=1e-3)
    page.find_element(By.ID, "spikes").screenshot(str(WORK / "screenshots" / "spikes.png"))


def test_replays_advance_and_match_eval(page, runs):
    boxes = page.find_elements(By.CSS_SELECTOR, "#replays .replay")
    kinds = sorted(b.get_attribute("data-kind") for b in boxes)
    assert kinds == ["acrobot", "cartpole", "minatar", "mountaincar", "pendulum"]
    first = [int(b.get_attribute("data-frame")) for b in boxes]
    time.sleep(1.0)
    second = [int(b.get_attribute("data-frame")) for b in boxes]
    for a, b, box in zip(first, second, boxes):
        assert b != a, box.get_attribute("data-kind")
    rep = json.loads((runs / "runs" / "ga_s0" / "replay.json").read_text())
    ev = json.loads(neuroevo("eval", runs / "runs" / "ga_s0", "--episodes", "1", "--threads", "1", "--json").stdout)
    assert rep["return"] == pytest.approx(ev["mean_return"], abs=1e-9)
    assert len(rep["rewards"]) == rep["steps"] and len(rep["obs"]) == 4 * (rep["steps"] + 1)
    page.find_element(By.ID, "replays").screenshot(str(WORK / "screenshots" / "replays.png"))


def test_bad_input_exits_2(runs, tmp_path):
    r = neuroevo("report", tmp_path / "missing", check=False)
    assert r.returncode == 2 and "missing" in r.stderr
    (tmp_path / "empty").mkdir()
    r = neuroevo("report", tmp_path / "empty", check=False)
    assert r.returncode == 2 and "holds no run directory" in r.stderr
    r = neuroevo("report", runs / "runs", "--out", tmp_path / "no" / "such" / "dir.html", check=False)
    assert r.returncode == 2 and "--out" in r.stderr
    r = neuroevo("eval", runs / "runs" / "ga_s0", "--record", tmp_path / "nodir" / "r.json", check=False)
    assert r.returncode == 2 and "--record" in r.stderr


def test_full_page_screenshot(page):
    page.set_window_size(1400, 1000)
    height = page.execute_script("return document.body.scrollHeight")
    page.set_window_size(1400, min(height, 12000))
    screenshot(page, "report_full")
    page.set_window_size(1400, 1000)
