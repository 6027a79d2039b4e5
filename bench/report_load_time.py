"""Load time of a report in headless Chromium: navigation start to the later of the end of the report's
first render and the load event, median of 5 fresh loads. Usage: report_load_time.py REPORT.html"""
import statistics
import sys
import time

import pathlib  # noqa: E402
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests"))
from report_common import browser, console_errors  # noqa: E402

path = sys.argv[1]
uri = pathlib.Path(path).resolve().as_uri()
times = []
d = browser(1400, 1000)
try:
    for _ in range(5):
        d.get("about:blank")
        d.get(uri)
        while not d.execute_script("return document.body && document.body.dataset.renders"):
            time.sleep(0.01)
        # performance.now() at the end of the render, measured from the page's navigation start.
        t = d.execute_script("return window.neuroevoReport.renderedAt")
        # Also wait for the load event (after the render and the first layout).
        while not d.execute_script("return performance.getEntriesByType('navigation')[0].loadEventEnd"):
            time.sleep(0.01)
        load = d.execute_script("return performance.getEntriesByType('navigation')[0].loadEventEnd")
        times.append(max(t, load) / 1000.0)
    # Switching to one curve per run (the seeds apart): the heaviest redraw of the page.
    ungroup = d.execute_script("""const cb = document.getElementById('group-seeds');
        if (!cb) return null;
        const t = performance.now(); cb.click(); const dt = performance.now() - t;
        return [dt / 1000, document.querySelectorAll('#curves path.curve').length];""")
    errors = console_errors(d)
finally:
    d.quit()
print(f"load to first render: median {statistics.median(times):.3f} s, all {', '.join(f'{t:.3f}' for t in times)}; "
      f"console errors: {len(errors)}")
if ungroup:
    print(f"redraw with the seeds apart: {ungroup[0]:.3f} s for {ungroup[1]} curves")
