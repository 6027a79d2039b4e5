#!/usr/bin/python3
"""Reads Young & Tian's (2019) MinAtar learning curves off their figure, by curve colour.

    /usr/bin/python3 bench/minatar_digitise_young_tian.py FIGURE.png > bench/minatar_young_tian_2019.csv

FIGURE: img/learning_curves.gif of the MinAtar repository's README (github.com/kenjyoung/MinAtar),
converted to PNG (3038 x 1629 pixels; the figure of arXiv 1903.03176). It is not in this repository.
Needs PIL and numpy (Debian's python3-pil and python3-numpy, hence /usr/bin/python3).

Each panel's axes were located once in the figure (pixel columns of the x ticks 0 and 5 M frames, pixel
rows of the labelled y ticks; the constants below); a least-squares line through the y ticks gives the
return of a pixel row. For each curve (matplotlib/seaborn "colorblind" colours, matched within a
Euclidean RGB distance of 40 so that anti-aliased edges count and the light confidence bands do not),
at each frame mark F the value is the median pixel row of the curve's pixels in the columns within
+-0.05 M frames of F; the stated uncertainty is half the range of the per-column medians within +-0.1 M
frames (the curve's own wiggle: it is a 100-episode moving average), and at least 2 pixel rows. A curve
hidden under another one near a mark (drawn later, same value) is given the visible curve's value and
an uncertainty of 1 (return units), with a note.
"""
import sys

import numpy as np
from PIL import Image

COLOURS = {"DQN": (1, 115, 178), "DQN_no_replay": (222, 143, 5), "AC(0.8)": (2, 158, 115), "AC(0)": (213, 94, 0)}
# game: (x pixel of 0 M frames, x pixel of 5 M frames, y tick pixel rows, their values, plot area top, bottom)
PANELS = {
    "seaquest": (614.5, 1312.0, [228.0, 327.0, 426.0, 525.0, 624.0], [20, 15, 10, 5, 0], 182, 643),
    "breakout": (1569.0, 2266.0, [286.5, 403.5, 520.0, 637.0], [15, 10, 5, 0], 186, 648),
    "asterix": (106.0, 804.0, [1000.0, 1102.0, 1204.0, 1305.0, 1407.0], [20, 15, 10, 5, 0], 956, 1418),
    "freeway": (1202.0, 1899.5, [987.0, 1069.0, 1151.5, 1234.0, 1316.0, 1398.0], [50, 40, 30, 20, 10, 0], 956, 1418),
    "space_invaders": (2295.0, 2992.0, [957.0, 1068.0, 1179.0, 1289.5, 1400.0], [200, 150, 100, 50, 0], 957, 1419),
}
TOLERANCE = 40
MIN_COLUMNS = 5  # fewer matching columns within +-0.1 M frames: the curve is hidden there
# Where a curve is hidden, the curve drawn over it (checked by eye in the figure: both coincide there).
HIDDEN = {("seaquest", "AC(0.8)", 1): "AC(0)", ("freeway", "AC(0.8)", 1): "AC(0)",
          ("freeway", "AC(0.8)", 4): "AC(0)", ("freeway", "DQN_no_replay", 1): "AC(0)"}


def main() -> None:
    img = np.asarray(Image.open(sys.argv[1]).convert("RGB")).astype(int)
    print("# Young & Tian 2019, MinAtar (arXiv 1903.03176), learning curves of the authors' README figure")
    print("# (github.com/kenjyoung/MinAtar, img/learning_curves.gif): mean over 30 runs of the moving average of")
    print("# training returns over 100 episodes; sticky actions 0.1, difficulty ramping on.")
    print("# Read off the figure by curve colour: bench/minatar_digitise_young_tian.py (method in its docstring).")
    print("# return: the curve at `frames`; uncertainty: read-off uncertainty (curve wiggle within +-0.1 M frames,")
    print("# at least 2 pixel rows), not the spread over the paper's runs.")
    print("game,method,frames,return,uncertainty,note")
    rows = {}
    for game, (left, right, ticks, values, top, bottom) in PANELS.items():
        slope, icpt = np.polyfit(ticks, values, 1)
        px_per_m = (right - left) / 5
        for method, rgb in COLOURS.items():
            match = np.sqrt(((img - np.array(rgb)) ** 2).sum(2)) < TOLERANCE
            for f in range(1, 6):
                xc = left + f * px_per_m
                cols = []
                for x in range(int(xc - 0.1 * px_per_m), int(xc + 0.1 * px_per_m) + 1):
                    if x <= left + 3 or x >= right - 3:
                        continue  # the spines
                    ys = np.nonzero(match[top + 3:bottom - 2, x])[0]
                    if len(ys):
                        cols.append((x, float(np.median(ys)) + top + 3))
                if len(cols) < MIN_COLUMNS:
                    rows[(game, method, f)] = None
                    continue
                near = [y for x, y in cols if abs(x - xc) <= 0.05 * px_per_m] or [y for _, y in cols]
                value = slope * float(np.median(near)) + icpt
                per_col = [slope * y + icpt for _, y in cols]
                unc = max((max(per_col) - min(per_col)) / 2, abs(slope) * 2)
                rows[(game, method, f)] = (value, unc)
    for (game, method, f), r in rows.items():
        note = ""
        if r is None:
            if (game, method, f) not in HIDDEN:
                sys.exit(f"{game} {method} at {f} M frames: curve not found and not in HIDDEN")
            top_curve = HIDDEN[(game, method, f)]
            r = (rows[(game, top_curve, f)][0], 1.0)
            note = f"hidden under {top_curve}"
        print(f"{game},{method},{f * 1000000},{r[0]:.1f},{r[1]:.1f},{note}")


if __name__ == "__main__":
    main()
