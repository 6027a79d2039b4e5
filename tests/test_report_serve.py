"""`neuroevo serve` in a real browser: a run goes on in the served directory and the page shows its new
generations; files outside the directory cannot be read; 200 concurrent requests are all answered; Ctrl-C
stops the server cleanly."""
import concurrent.futures
import http.client
import os
import shutil
import signal
import subprocess
import time

import pytest
from selenium.webdriver.common.by import By

from report_common import BIN, SOURCE_DIR, WORK, browser, console_errors, neuroevo, read_csv, screenshot

W = WORK / "serve"


@pytest.fixture(scope="module")
def served():
    if W.exists():
        shutil.rmtree(W)
    (W / "runs").mkdir(parents=True)
    ex = SOURCE_DIR / "examples"
    # A finished run, then one that keeps going while the browser watches (killed at the end; 100,000
    # generations would take many minutes even with the lockstep rollouts).
    neuroevo("run", ex / "cartpole_ga.toml", "--set", "run.generations=3", "--set", "strategy.population=20",
             "--set", "run.eval_episodes=2", "--set", "noise.size=1048576", "--threads", "1", "--quiet",
             "--out", W / "runs" / "done")
    run = subprocess.Popen([BIN, "run", ex / "cartpole_es.toml", "--set", "run.generations=100000", "--set",
                            "strategy.population=40", "--set", "run.eval_episodes=2", "--set", "noise.size=1048576",
                            "--threads", "1", "--quiet", "--out", W / "runs" / "going"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Things outside DIR that must stay unreachable, and symlinks inside DIR pointing at them.
    (W / "secret.txt").write_text("outside-secret\n")
    os.symlink(W / "secret.txt", W / "runs" / "done" / "link_to_secret.txt")
    os.symlink(W, W / "runs" / "link_to_parent")
    server = subprocess.Popen([BIN, "serve", W / "runs", "--port", "0"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    assert "http://127.0.0.1:" in line, line + server.stderr.read()
    port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
    yield {"port": port, "server": server, "run": run}
    for p in (run, server):
        if p.poll() is None:
            p.kill()
            p.wait()


def get(port, path):
    """A raw request: the path goes out exactly as written (no client-side normalisation)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.putrequest("GET", path, skip_accept_encoding=True)
    c.endheaders()
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, body


def test_browser_sees_new_generations(served):
    d = browser()
    try:
        d.get(f"http://127.0.0.1:{served['port']}/")
        metrics = W / "runs" / "going" / "metrics.csv"

        def shown_points():
            """(points of the running run's best curve as drawn, its status); one script, so no stale elements."""
            return d.execute_script("""
                const rep = window.neuroevoReport;
                if (!rep) return [null, null];
                const r = rep.data.runs.find(r => r.path.endsWith("going"));
                if (!r) return [null, null];
                // The two runs' configs differ, so each has its own curve (no seed group).
                const c = document.querySelector(`#curves path.curve[data-run="${r.id}"][data-metric="best"]`);
                return [c ? Number(c.dataset.points) : null, r.status];""")

        deadline = time.time() + 20
        while time.time() < deadline and shown_points()[0] in (None, 0):
            time.sleep(0.2)
        first, status = shown_points()
        assert first and status == "running"
        # Within 2 s of a new metrics row (1 s polling), the page has it.
        checks = 0
        while checks < 3 and served["run"].poll() is None:
            rows_now = len(read_csv(metrics))
            t0 = time.time()
            while time.time() - t0 < 2.5 and (shown_points()[0] or 0) < rows_now:
                time.sleep(0.1)
            assert (shown_points()[0] or 0) >= rows_now, f"page still shows fewer than {rows_now} rows after 2.5 s"
            checks += 1
            time.sleep(0.5)
        assert checks == 3
        later, _ = shown_points()
        assert later > first
        table = [tr.text for tr in d.find_elements(By.CSS_SELECTOR, "#runs tbody tr")]
        assert any("running" in t for t in table) and any("finished" in t for t in table)
        screenshot(d, "dashboard")
        assert console_errors(d) == []
    finally:
        d.quit()


@pytest.mark.parametrize("path", [
    "/files/../secret.txt", "/files/%2e%2e/secret.txt", "/files/%2E%2E/%2e%2e/etc/passwd", "/files/..%2fsecret.txt",
    "/files//etc/passwd", "/files/%2fetc%2fpasswd", "/files/done/link_to_secret.txt", "/files/link_to_parent/secret.txt",
    "/../secret.txt", "/%2e%2e/secret.txt", "/etc/passwd", "/files/done/../../secret.txt",
])
def test_no_file_outside_dir(served, path):
    status, body = get(served["port"], path)
    assert status in (400, 403, 404), (path, status)
    assert b"outside-secret" not in body and b"root:" not in body


def test_files_inside_dir_are_served(served):
    status, body = get(served["port"], "/files/done/metrics.csv")
    assert status == 200 and body == (W / "runs" / "done" / "metrics.csv").read_bytes()


def test_200_concurrent_requests(served):
    paths = ["/api/fingerprint", "/files/done/config.toml", "/api/data", "/"] * 50
    with concurrent.futures.ThreadPoolExecutor(max_workers=200) as pool:
        results = list(pool.map(lambda p: get(served["port"], p)[0], paths))
    assert results == [200] * 200
    assert served["server"].poll() is None
    assert get(served["port"], "/api/fingerprint")[0] == 200


def test_ctrl_c_stops_cleanly(served):
    server = served["server"]
    server.send_signal(signal.SIGINT)
    assert server.wait(timeout=10) == 0
    assert "stopped" in server.stdout.read()


def test_bad_dir_exits_2(tmp_path):
    r = neuroevo("serve", tmp_path / "missing", "--port", "0", check=False)
    assert r.returncode == 2 and "missing" in r.stderr
