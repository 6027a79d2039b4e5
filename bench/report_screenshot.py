"""Screenshot of a report's first screen in headless Chromium (the README's docs/images/report.png).
Usage: report_screenshot.py REPORT.html OUT.png [HEIGHT]"""
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests"))
from report_common import browser  # noqa: E402

d = browser(1300, int(sys.argv[3]) if len(sys.argv) > 3 else 1500)
try:
    d.get(pathlib.Path(sys.argv[1]).resolve().as_uri())
    while not d.execute_script("return document.body.dataset.renders"):
        time.sleep(0.05)
    time.sleep(1.5)  # let the replay play for a moment
    d.save_screenshot(sys.argv[2])
finally:
    d.quit()
