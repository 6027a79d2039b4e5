"""Shared helpers of the browser tests (test_report.py, test_report_serve.py): the neuroevo binary, the
work directory in the build tree, headless Chromium through Debian's chromedriver, and small CSV readers.

Missing Chromium, chromedriver or selenium is an error, never a skip: scripts/setup.sh installs them."""
import csv
import os
import pathlib
import subprocess

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

SOURCE_DIR = pathlib.Path(__file__).resolve().parent.parent
BIN = os.environ.get("NEUROEVO_BIN", str(SOURCE_DIR / "build" / "neuroevo"))
WORK = pathlib.Path(os.environ.get("NEUROEVO_REPORT_WORK", str(SOURCE_DIR / "build" / "tests" / "report")))
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def neuroevo(*args, check=True, **kw):
    """Runs the CLI; returns the CompletedProcess (stdout and stderr as text)."""
    r = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, timeout=600, **kw)
    if check and r.returncode != 0:
        raise AssertionError(f"neuroevo {' '.join(map(str, args))} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return r


def browser(width=1400, height=1000):
    """Headless Chromium (as root, as in CI, it needs --no-sandbox); console messages are kept."""
    assert os.path.exists(CHROMIUM), "chromium is missing: run scripts/setup.sh (Debian package chromium)"
    assert os.path.exists(CHROMEDRIVER), "chromedriver is missing: run scripts/setup.sh (Debian package chromium-driver)"
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
              f"--window-size={width},{height}", "--hide-scrollbars"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)


def console_errors(driver):
    return [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def path_vertices(d):
    """Number of vertices of an SVG path made of M/L commands (what linePlot draws for a curve)."""
    return sum(1 for c in d if c in "ML")


def screenshot(driver, name):
    out = WORK / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(out / f"{name}.png"))
    return out / f"{name}.png"
