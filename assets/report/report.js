// neuroevo report: draws the data of `neuroevo report` / `neuroevo serve` with plain SVG and canvas.
// No library: the page must open from disk with no network, and a few hundred lines cover what it needs.
"use strict";
(function () {
  const SVGNS = "http://www.w3.org/2000/svg";
  const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                   "#bcbd22", "#17becf"];
  const color = (i) => i < PALETTE.length ? PALETTE[i] : `hsl(${(i * 137.5) % 360},60%,45%)`;
  const X_AXES = {generation: "generation", episodes: "episodes", env_steps: "env steps", wall_time: "wall time (s)"};
  const METRICS = ["best", "mean", "median"];
  const DASH = {best: "", mean: "6 3", median: "2 2"};

  // UI state survives re-renders (the dashboard re-renders on every change).
  const ui = {x: "generation", metrics: {best: true, mean: true, median: false}, grouped: true, renders: 0};
  const players = [];

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of children) if (c != null) e.append(c);
    return e;
  }
  function svg(tag, attrs) {
    const e = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }
  function fmt(v) {
    if (v === null || v === undefined || Number.isNaN(v)) return "-";
    if (typeof v !== "number") return String(v);
    if (v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-3)) return v.toExponential(3);
    return Number.isInteger(v) ? String(v) : v.toPrecision(6).replace(/\.?0+$/, "");
  }
  function niceTicks(lo, hi, n) {
    if (!(hi > lo)) { hi = lo + 1; }
    const step0 = (hi - lo) / n, mag = Math.pow(10, Math.floor(Math.log10(step0)));
    const err = step0 / mag;
    const step = (err >= 7.5 ? 10 : err >= 3.5 ? 5 : err >= 1.5 ? 2 : 1) * mag;
    const out = [];
    for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
    return out;
  }
  function quantile(sorted, q) {
    const pos = (sorted.length - 1) * q, lo = Math.floor(pos), hi = Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }
  function section(title, id) {
    const s = el("section", {id});
    s.append(el("h2", {text: title}));
    return s;
  }

  // ---------------------------------------------------------------------------------------------------
  // A line plot. series: {label, color, dash, points: [[x, y], ...], band: [[x, lo, hi], ...], attrs, info(i)}
  function linePlot(opt) {
    const W = opt.width || 760, H = opt.height || 340, m = {l: 64, r: 16, t: 24, b: 44};
    const pw = W - m.l - m.r, ph = H - m.t - m.b;
    let xlo = Infinity, xhi = -Infinity, ylo = Infinity, yhi = -Infinity;
    for (const s of opt.series) {
      for (const p of s.points) {
        if (p[0] === null || p[1] === null) continue;
        xlo = Math.min(xlo, p[0]); xhi = Math.max(xhi, p[0]); ylo = Math.min(ylo, p[1]); yhi = Math.max(yhi, p[1]);
      }
      for (const b of s.band || []) {
        if (b[1] === null || b[2] === null) continue;
        ylo = Math.min(ylo, b[1]); yhi = Math.max(yhi, b[2]);
      }
    }
    if (opt.xRange) [xlo, xhi] = opt.xRange;
    if (opt.yRange) [ylo, yhi] = opt.yRange;
    if (!Number.isFinite(xlo)) { xlo = 0; xhi = 1; ylo = 0; yhi = 1; }
    if (xhi === xlo) { xhi = xlo + 1; }
    if (yhi === ylo) { ylo -= 0.5; yhi += 0.5; }
    if (!opt.yRange) { const pad = (yhi - ylo) * 0.04; ylo -= pad; yhi += pad; }
    const sx = (x) => m.l + (x - xlo) / (xhi - xlo) * pw, sy = (y) => m.t + ph - (y - ylo) / (yhi - ylo) * ph;
    const root = svg("svg", {width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: "plot"});
    if (opt.title) { const t = svg("text", {x: m.l, y: 15, class: "plot-title"}); t.textContent = opt.title; root.append(t); }
    const axes = svg("g", {class: "axes"});
    for (const t of niceTicks(xlo, xhi, opt.xTicks || 6)) {
      axes.append(svg("line", {x1: sx(t), x2: sx(t), y1: m.t, y2: m.t + ph, class: "grid"}));
      const lab = svg("text", {x: sx(t), y: m.t + ph + 16, "text-anchor": "middle"});
      lab.textContent = opt.xFormat ? opt.xFormat(t) : fmt(t);
      axes.append(lab);
    }
    for (const t of niceTicks(ylo, yhi, 5)) {
      axes.append(svg("line", {x1: m.l, x2: m.l + pw, y1: sy(t), y2: sy(t), class: "grid"}));
      const lab = svg("text", {x: m.l - 6, y: sy(t) + 4, "text-anchor": "end"});
      lab.textContent = fmt(t);
      axes.append(lab);
    }
    axes.append(svg("rect", {x: m.l, y: m.t, width: pw, height: ph, class: "frame"}));
    const xl = svg("text", {x: m.l + pw / 2, y: H - 6, "text-anchor": "middle", class: "axis-label"});
    xl.textContent = opt.xLabel || "";
    const yl = svg("text", {x: 14, y: m.t + ph / 2, "text-anchor": "middle", class: "axis-label",
                            transform: `rotate(-90 14 ${m.t + ph / 2})`});
    yl.textContent = opt.yLabel || "";
    axes.append(xl, yl);
    root.append(axes);
    const clip = "clip" + Math.random().toString(36).slice(2);
    const defs = svg("defs");
    const cp = svg("clipPath", {id: clip});
    cp.append(svg("rect", {x: m.l, y: m.t, width: pw, height: ph}));
    defs.append(cp);
    root.append(defs);
    const layer = svg("g", {"clip-path": `url(#${clip})`});
    root.append(layer);
    for (const s of opt.series) {
      if (s.band && s.band.length) {
        const up = [], down = [];
        for (const b of s.band) {
          if (b[1] === null || b[2] === null) continue;
          up.push(`${sx(b[0]).toFixed(1)},${sy(b[2]).toFixed(1)}`);
          down.push(`${sx(b[0]).toFixed(1)},${sy(b[1]).toFixed(1)}`);
        }
        if (up.length) layer.append(svg("path", {d: "M" + up.join("L") + "L" + down.reverse().join("L") + "Z",
                                                 fill: s.color, class: "band", ...(s.bandAttrs || {})}));
      }
      const parts = [];
      let pen = "M";
      for (const p of s.points) {
        if (p[0] === null || p[1] === null) { pen = "M"; continue; }
        // A step line holds its value until the next x, then jumps: "H x V y" after the first point.
        if (s.step && pen !== "M") parts.push("H" + sx(p[0]).toFixed(1) + "V" + sy(p[1]).toFixed(1));
        else parts.push(pen + sx(p[0]).toFixed(1) + "," + sy(p[1]).toFixed(1));
        pen = "L";
      }
      const path = svg("path", {d: parts.join(""), stroke: s.color, class: "curve", "stroke-dasharray": s.dash || "",
                                "data-points": s.points.length, ...(s.attrs || {})});
      const title = svg("title"); title.textContent = s.label; path.append(title);
      layer.append(path);
    }
    if (opt.legend !== false) {
      const lg = el("div", {class: "legend"});
      for (const s of opt.series) {
        if (s.legend === false) continue;
        lg.append(el("span", {class: "key"}, el("i", {style: `background:${s.color}`}), s.label));
      }
      opt.legendBox = lg;
    }
    // Hover: the nearest point (in pixels) of any series, with its values.
    const marker = svg("circle", {r: 4, class: "marker", visibility: "hidden"});
    root.append(marker);
    root.addEventListener("mousemove", (ev) => {
      const r = root.getBoundingClientRect();
      const mx = (ev.clientX - r.left) * W / r.width, my = (ev.clientY - r.top) * H / r.height;
      let best = null;
      for (const s of opt.series) {
        const pts = s.points;
        // x is sorted: binary search, then look at neighbours.
        let lo = 0, hi = pts.length - 1;
        const xv = xlo + (mx - m.l) / pw * (xhi - xlo);
        while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (pts[mid][0] !== null && pts[mid][0] < xv) lo = mid; else hi = mid; }
        for (let i = Math.max(0, lo - 2); i <= Math.min(pts.length - 1, hi + 2); ++i) {
          if (pts[i][0] === null || pts[i][1] === null) continue;
          const d = Math.hypot(sx(pts[i][0]) - mx, sy(pts[i][1]) - my);
          if (!best || d < best.d) best = {d, s, i};
        }
      }
      const tip = document.getElementById("tooltip");
      if (!best || best.d > 40) { tip.hidden = true; marker.setAttribute("visibility", "hidden"); return; }
      const p = best.s.points[best.i];
      marker.setAttribute("cx", sx(p[0])); marker.setAttribute("cy", sy(p[1]));
      marker.setAttribute("fill", best.s.color); marker.setAttribute("visibility", "visible");
      tip.innerHTML = "";
      tip.append(el("b", {text: best.s.label}));
      const rows = best.s.info ? best.s.info(best.i) : [[opt.xLabel, p[0]], [opt.yLabel, p[1]]];
      for (const [k, v] of rows) tip.append(el("div", {text: `${k}: ${fmt(v)}`}));
      tip.hidden = false;
      tip.style.left = (ev.pageX + 14) + "px"; tip.style.top = (ev.pageY + 10) + "px";
    });
    root.addEventListener("mouseleave", () => {
      document.getElementById("tooltip").hidden = true; marker.setAttribute("visibility", "hidden");
    });
    const box = el("div", {class: "plot-box"}, root);
    if (opt.legendBox) box.append(opt.legendBox);
    return box;
  }

  // ---------------------------------------------------------------------------------------------------
  // Learning curves
  function curves(data) {
    const s = section("Learning curves", "curves");
    if (!data.runs.length) return null;
    const controls = el("div", {class: "controls"});
    const xsel = el("select", {id: "x-axis", onchange: (e) => { ui.x = e.target.value; redrawCurves(); }});
    for (const [k, v] of Object.entries(X_AXES)) {
      const o = el("option", {value: k, text: v});
      if (k === ui.x) o.selected = true;
      xsel.append(o);
    }
    controls.append(el("label", {}, "x axis ", xsel));
    for (const mname of METRICS) {
      const cb = el("input", {type: "checkbox", id: "metric-" + mname,
                              onchange: (e) => { ui.metrics[mname] = e.target.checked; redrawCurves(); }});
      cb.checked = ui.metrics[mname];
      controls.append(el("label", {}, cb, " " + mname));
    }
    const multi = data.groups.some((g) => g.runs.length > 1);
    if (multi) {
      const cb = el("input", {type: "checkbox", id: "group-seeds", onchange: (e) => { ui.grouped = e.target.checked; redrawCurves(); }});
      cb.checked = ui.grouped;
      controls.append(el("label", {}, cb, " group seeds (median and interquartile band)"));
    }
    s.append(controls);
    const holder = el("div", {id: "curve-plot"});
    s.append(holder);
    function redrawCurves() {
      const series = [];
      const metrics = METRICS.filter((k) => ui.metrics[k]);
      const grouped = ui.grouped && multi;
      if (grouped) {
        data.groups.forEach((g, gi) => {
          const runs = g.runs.map((i) => data.runs[i]);
          const n = Math.max(...runs.map((r) => r.metrics.generation.length));
          for (const mname of metrics) {
            const pts = [], band = [], stats = [];
            for (let i = 0; i < n; ++i) {
              const ys = [], xs = [];
              for (const r of runs) {
                if (i >= r.metrics[mname].length) continue;
                if (r.metrics[mname][i] !== null) ys.push(r.metrics[mname][i]);
                if (r.metrics[ui.x][i] !== null) xs.push(r.metrics[ui.x][i]);
              }
              ys.sort((a, b) => a - b); xs.sort((a, b) => a - b);
              const x = xs.length ? quantile(xs, 0.5) : null;
              const y = ys.length ? quantile(ys, 0.5) : null;
              pts.push([x, y]);
              if (runs.length > 1 && ys.length) band.push([x, quantile(ys, 0.25), quantile(ys, 0.75)]);
              stats.push({n: ys.length, q1: ys.length ? quantile(ys, 0.25) : null, q3: ys.length ? quantile(ys, 0.75) : null,
                          gen: runs[0].metrics.generation[i]});
            }
            series.push({label: `${g.label} [${runs.length} run${runs.length > 1 ? "s" : ""}] ${mname}`, color: color(gi),
                         dash: DASH[mname], points: pts, band,
                         attrs: {"data-group": g.id, "data-metric": mname, "data-runs": runs.length},
                         info: (i) => [[X_AXES[ui.x] + " (median)", pts[i][0]], [mname + " median", pts[i][1]],
                                       ["interquartile", `${fmt(stats[i].q1)} .. ${fmt(stats[i].q3)}`], ["runs", stats[i].n]]});
          }
        });
      } else {
        data.runs.forEach((r, ri) => {
          for (const mname of metrics) {
            const pts = r.metrics[mname].map((y, i) => [r.metrics[ui.x][i], y]);
            series.push({label: `${r.path} ${mname}`, color: color(ri), dash: DASH[mname], points: pts,
                         attrs: {"data-run": r.id, "data-metric": mname},
                         info: (i) => [["generation", r.metrics.generation[i]], ["episodes", r.metrics.episodes[i]],
                                       ["env steps", r.metrics.env_steps[i]], ["wall time (s)", r.metrics.wall_time[i]],
                                       [mname, pts[i][1]]]});
          }
        });
      }
      holder.innerHTML = "";
      holder.append(linePlot({series, xLabel: X_AXES[ui.x], yLabel: "return", width: 900, height: 380,
                              legend: series.length <= 40}));
    }
    redrawCurves();
    return s;
  }

  // ---------------------------------------------------------------------------------------------------
  // Runs table
  function runsTable(data) {
    if (!data.runs.length) return null;
    const s = section("Runs", "runs");
    const keys = data.differing_keys;
    const head = ["run", "status", "env", "policy", "strategy", "parameters", "generations", "champion return", "wall time (s)", ...keys];
    const table = el("table", {class: "runs-table"});
    table.append(el("thead", {}, el("tr", {}, ...head.map((h) => el("th", {text: h})))));
    const body = el("tbody");
    for (const r of data.runs) {
      const champ = r.champion ? `${fmt(r.champion.mean)} \u00b1 ${fmt(r.champion.std)}` : "-";
      const cells = [r.path, r.status, r.env, r.policy, r.strategy, r.num_params ?? "-", r.generations, champ,
                     r.wall_time ?? "-", ...keys.map((k) => r.config[k] ?? "-")];
      const tr = el("tr", {"data-run": r.id, class: "status-" + r.status});
      cells.forEach((c, i) => tr.append(el("td", {text: fmt(c), class: i === 1 ? "status" : ""})));
      body.append(tr);
    }
    table.append(body);
    s.append(el("div", {class: "table-wrap"}, table));
    if (keys.length) s.append(el("p", {class: "note", text: "Columns after the wall time: the config keys whose values differ between runs."}));
    return s;
  }

  // ---------------------------------------------------------------------------------------------------
  // Novelty search / quality diversity: the maze, the population's final positions, the archive, the
  // champion's path; MAP-Elites' grid as a heat map.
  function mazeView(run) {
    const b = run.behaviours;
    const box = el("div", {class: "maze-box", "data-run": run.id});
    box.append(el("h3", {text: run.path + (b.grid ? " (MAP-Elites)" : "")}));
    const mz = b.maze;
    const lo = mz ? mz.low : [0, 0], hi = mz ? mz.high : [1, 1];
    let xmin = lo[0], ymin = lo[1], xmax = hi[0], ymax = hi[1];
    if (!mz) {
      for (const p of (b.points || []).concat((b.archive || []).map((a) => [0, a[1], a[2]]))) {
        xmin = Math.min(xmin, p[1]); xmax = Math.max(xmax, p[1]); ymin = Math.min(ymin, p[2]); ymax = Math.max(ymax, p[2]);
      }
    }
    const S = 420 / Math.max(xmax - xmin, ymax - ymin);
    const W = (xmax - xmin) * S + 20, H = (ymax - ymin) * S + 20;
    const X = (x) => 10 + (x - xmin) * S, Y = (y) => 10 + (y - ymin) * S;  // y grows downwards, as in the maze file
    const root = svg("svg", {width: W, height: H, class: "maze"});
    if (b.grid && b.archive) {
      const [gl, gh, gc] = [b.grid.low, b.grid.high, b.grid.cells];
      const best = new Map();
      let fmin = Infinity, fmax = -Infinity;
      for (const [f, x, y] of b.archive) {
        const cx = Math.min(gc[0] - 1, Math.max(0, Math.floor((x - gl[0]) / (gh[0] - gl[0]) * gc[0])));
        const cy = Math.min(gc[1] - 1, Math.max(0, Math.floor((y - gl[1]) / (gh[1] - gl[1]) * gc[1])));
        const k = cx + "," + cy;
        if (!best.has(k) || best.get(k) < f) best.set(k, f);
        fmin = Math.min(fmin, f); fmax = Math.max(fmax, f);
      }
      const g = svg("g", {class: "heatmap"});
      for (const [k, f] of best) {
        const [cx, cy] = k.split(",").map(Number);
        const t = fmax > fmin ? (f - fmin) / (fmax - fmin) : 1;
        const x0 = gl[0] + cx * (gh[0] - gl[0]) / gc[0], y0 = gl[1] + cy * (gh[1] - gl[1]) / gc[1];
        const rect = svg("rect", {x: X(x0), y: Y(y0), width: (gh[0] - gl[0]) / gc[0] * S, height: (gh[1] - gl[1]) / gc[1] * S,
                                  fill: `hsl(${240 - 240 * t},80%,50%)`, class: "cell"});
        const tt = svg("title"); tt.textContent = `cell (${cx}, ${cy}): fitness ${fmt(f)}`; rect.append(tt);
        g.append(rect);
      }
      root.append(g);
      box.dataset.cells = best.size;
      box.append(el("div", {class: "note", text: `${best.size} occupied cells of ${gc[0] * gc[1]}; colour: fitness from ${fmt(fmin)} (blue) to ${fmt(fmax)} (red)`}));
    } else if (b.points) {
      const gmax = Math.max(1, ...b.points.map((p) => p[0]));
      const g = svg("g", {class: "population"});
      for (const [gen, x, y] of b.points) {
        if (x === null || y === null) continue;
        g.append(svg("circle", {cx: X(x), cy: Y(y), r: 1.6, fill: `hsl(${260 - 200 * gen / gmax},70%,50%)`, "fill-opacity": 0.55}));
      }
      root.append(g);
      box.append(el("div", {class: "note", text: `final positions of ${b.points.length} of ${b.points_total} members, coloured by generation (purple early, yellow late); black: archive`}));
    }
    if (mz) {
      const g = svg("g", {class: "walls"});
      for (const w of mz.walls) g.append(svg("line", {x1: X(w[0]), y1: Y(w[1]), x2: X(w[2]), y2: Y(w[3])}));
      root.append(g);
      root.append(svg("circle", {cx: X(mz.start[0]), cy: Y(mz.start[1]), r: 5, class: "start"}));
      root.append(svg("circle", {cx: X(mz.goal[0]), cy: Y(mz.goal[1]), r: 6, class: "goal"}));
    }
    if (b.archive && !b.grid) {
      const g = svg("g", {class: "archive"});
      for (const [, x, y] of b.archive) if (x !== null && y !== null) g.append(svg("circle", {cx: X(x), cy: Y(y), r: 2.2}));
      root.append(g);
    }
    if (b.champion_path) {
      const p = b.champion_path, d = [];
      for (let i = 0; i < p.length; i += 3) d.push((i ? "L" : "M") + X(p[i]).toFixed(1) + "," + Y(p[i + 1]).toFixed(1));
      root.append(svg("path", {d: d.join(""), class: "champion-path", "data-points": p.length / 3}));
    }
    box.append(root);
    return box;
  }
  function behaviours(data) {
    const runs = data.runs.filter((r) => r.behaviours);
    if (!runs.length) return null;
    const s = section("Behaviours (novelty search, quality diversity)", "behaviours");
    const row = el("div", {class: "row"});
    for (const r of runs) row.append(mazeView(r));
    s.append(row);
    s.append(el("p", {class: "note", text: "Green: start; red: goal; orange: the champion's path (one episode)."}));
    return s;
  }

  // ---------------------------------------------------------------------------------------------------
  // Strategy-specific metrics columns (GP diversity, ...): one small plot per column, all runs.
  function strategyMetrics(data) {
    const runs = data.runs.filter((r) => r.extra_metrics && r.extra_metrics.length);
    if (!runs.length) return null;
    const s = section("Strategy metrics", "strategy-metrics");
    const names = [];
    for (const r of runs) for (const e of r.extra_metrics) if (!names.includes(e.name)) names.push(e.name);
    const row = el("div", {class: "row"});
    for (const name of names) {
      const series = [];
      runs.forEach((r, k) => {
        const e = r.extra_metrics.find((x) => x.name === name);
        if (e) series.push({label: r.path, color: color(k), points: e.values.map((v, i) => [r.metrics.generation[i], v]),
                            attrs: {"data-run": r.id, "data-metric": name}});
      });
      row.append(linePlot({series, xLabel: "generation", yLabel: name, width: 460, height: 260, title: name,
                           legend: runs.length > 1}));
    }
    s.append(row);
    return s;
  }

  // ---------------------------------------------------------------------------------------------------
  // MPI
  function mpi(data) {
    const runs = data.runs.filter((r) => r.mpi);
    if (!runs.length) return null;
    const s = section("MPI runs", "mpi");
    for (const r of runs) {
      const gens = r.metrics.generation;
      const util = [];
      for (let k = 0; k < r.mpi.ranks; ++k)
        util.push({label: `rank ${k}`, color: color(k), points: r.mpi.rank_util.map((u, i) => [gens[i], u[k] ?? null]),
                   attrs: {"data-rank": k, "data-run": r.id}});
      const bytes = [{label: "bytes per candidate", color: color(0), points: r.mpi.bytes_per_ind.map((v, i) => [gens[i], v]),
                      attrs: {"data-run": r.id}}];
      s.append(el("h3", {text: `${r.path}: ${r.mpi.ranks} ranks`}));
      s.append(el("div", {class: "row"},
                  linePlot({series: util, xLabel: "generation", yLabel: "utilisation", width: 460, height: 260, yRange: [0, 1.05],
                            title: "busy thread time / (threads x wall time)"}),
                  linePlot({series: bytes, xLabel: "generation", yLabel: "bytes", width: 460, height: 260,
                            title: "MPI payload bytes per candidate", legend: false})));
    }
    return s;
  }

  // ---------------------------------------------------------------------------------------------------
  // BBOB
  function bbob(data) {
    if (!data.campaigns.length) return null;
    const s = section("BBOB campaigns", "bbob");
    for (const c of data.campaigns) {
      const cb = el("div", {class: "campaign", "data-path": c.path});
      cb.append(el("h3", {text: `${c.path}: ${c.strategies.join(", ")}; functions ${c.functions.join(",")}; budget ${fmt(c.budget)} x D`}));
      const xmax = Math.log10(c.budget);
      for (const d of c.ecdf) {
        cb.append(el("h4", {text: `D = ${d.dim}`}));
        const row = el("div", {class: "row"});
        for (const g of d.groups) {
          const series = c.strategies.map((st, si) => {
            const pts = (g.lines[st] || []).map((p) => [Math.log10(p[0]), p[1]]);
            return {label: st, color: color(si), step: true, points: pts,
                    attrs: {class: "curve ecdf", "data-strategy": st, "data-dim": d.dim, "data-group": g.group,
                            "data-final": pts.length ? pts[pts.length - 1][1] : ""},
                    info: (i) => [["evaluations / D", Math.pow(10, pts[i][0])], ["fraction of targets", pts[i][1]]]};
          });
          row.append(linePlot({series, width: 300, height: 230, xRange: [0, xmax], yRange: [0, 1],
                               xLabel: "log10(evaluations / D)", yLabel: "fraction of (f, instance, target)",
                               title: `${g.group} (f${g.functions.join(", f")})`}));
        }
        cb.append(row);
      }
      // aRT table: per dimension and function, aRT / D per strategy, the best marked.
      const table = el("table", {class: "art-table"});
      table.append(el("thead", {}, el("tr", {}, el("th", {text: "D"}), el("th", {text: "f"}),
                                        ...c.strategies.map((st) => el("th", {text: st})))));
      const body = el("tbody");
      for (const dim of c.dims)
        for (const f of c.functions) {
          const recs = c.strategies.map((st) => c.art.find((a) => a.strategy === st && a.function === f && a.dim === dim));
          const finite = recs.filter((a) => a && a.art !== null).map((a) => a.art);
          const best = finite.length ? Math.min(...finite) : null;
          const tr = el("tr", {}, el("td", {text: dim}), el("td", {text: "f" + f}));
          for (const a of recs) {
            const txt = !a ? "-" : (a.art === null ? "\u221e" : fmt(a.art / dim)) + ` (${a.successes}/${a.runs})`;
            tr.append(el("td", {text: txt, class: a && a.art !== null && a.art === best ? "best" : ""}));
          }
          body.append(tr);
        }
      table.append(body);
      cb.append(el("h4", {text: "aRT / D (successful runs / runs); best per row in bold, \u221e: no run reached 1e-8"}), table);
      s.append(cb);
    }
    return s;
  }

  // ---------------------------------------------------------------------------------------------------
  // Spikes
  function spikes(data) {
    if (!data.spikes.length) return null;
    const s = section("Spiking networks", "spikes");
    for (const sp of data.spikes) {
      s.append(el("h3", {text: `${sp.path}: ${sp.network || "network"}, ${sp.neurons} neurons, ${fmt(sp.seconds)} s, ${sp.spikes_read} spikes`}));
      const W = 900, H = 300, tmax = sp.seconds * 1000, shown = Math.max(1, sp.raster.neurons_shown);
      const cv = el("canvas", {width: W, height: H, class: "raster", "data-spikes": sp.raster.t.length, "data-neurons": shown});
      const ctx = cv.getContext("2d");
      ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H);
      const exc = sp.excitatory ?? shown;
      for (let i = 0; i < sp.raster.t.length; ++i) {
        const n = sp.raster.n[i];
        ctx.fillStyle = n < exc ? "#1f4e9c" : "#c0392b";
        ctx.fillRect(sp.raster.t[i] / tmax * (W - 1), H - 1 - n / shown * (H - 1), 1.2, 1.2);
      }
      s.append(el("div", {class: "note", text: `raster of neurons 0-${shown - 1} (blue excitatory, red inhibitory); time 0-${fmt(tmax)} ms`}), cv);
      const pts = sp.rate.hz.map((v, i) => [i * sp.rate.bin_ms, v]);
      s.append(linePlot({series: [{label: "population rate", color: "#333", step: true, points: pts, attrs: {class: "curve rate"}}],
                         xLabel: "time (ms)", yLabel: `rate (Hz, ${sp.rate.bin_ms} ms bins)`, width: W, height: 220, legend: false}));
    }
    return s;
  }

  // ---------------------------------------------------------------------------------------------------
  // Replays: an animation drawn from the recorded states / observations.
  const MINATAR_CHANNELS = {
    asterix: ["player", "enemy", "trail", "gold"],
    breakout: ["paddle", "ball", "trail", "brick"],
    freeway: ["chicken", "car", "speed1", "speed2", "speed3", "speed4", "speed5"],
    seaquest: ["sub front", "sub back", "friendly bullet", "trail", "enemy bullet", "enemy fish", "enemy sub",
               "oxygen gauge", "diver gauge", "diver"],
    space_invaders: ["cannon", "alien", "alien left", "alien right", "friendly bullet", "enemy bullet"],
  };
  function replayKind(r) {
    const e = r.env;
    if (e.startsWith("CartPole")) return "cartpole";
    if (e.startsWith("Acrobot")) return "acrobot";
    if (e.startsWith("MountainCarContinuous")) return "mountaincar_continuous";
    if (e.startsWith("MountainCar")) return "mountaincar";
    if (e.startsWith("Pendulum")) return "pendulum";
    if (e.startsWith("minatar/")) return "minatar";
    if (r.states) return "maze";
    return "generic";
  }
  const FPS = {cartpole: 50, acrobot: 15, mountaincar: 30, mountaincar_continuous: 30, pendulum: 20, minatar: 10, maze: 30, generic: 20};
  function obsAt(r, k) { return r.obs.slice(k * r.obs_dim, (k + 1) * r.obs_dim); }
  function drawFrame(ctx, r, kind, k, W, H, extra) {
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H);
    ctx.lineCap = "round";
    if (kind === "cartpole") {
      const [x, , th] = obsAt(r, k), sc = W / 4.8 / 1.1, cx = W / 2 + x * sc, cy = H * 0.7;
      ctx.strokeStyle = "#999"; ctx.lineWidth = 1; ctx.beginPath(); ctx.moveTo(0, cy + 15); ctx.lineTo(W, cy + 15); ctx.stroke();
      for (const edge of [-2.4, 2.4]) { ctx.strokeStyle = "#d62728"; ctx.beginPath(); ctx.moveTo(W / 2 + edge * sc, cy - 40); ctx.lineTo(W / 2 + edge * sc, cy + 25); ctx.stroke(); }
      ctx.fillStyle = "#333"; ctx.fillRect(cx - 25, cy - 12, 50, 24);
      const L = 1.0 * sc;  // the pole is 1 m long (half-length 0.5)
      ctx.strokeStyle = "#c87533"; ctx.lineWidth = 7; ctx.beginPath(); ctx.moveTo(cx, cy - 12);
      ctx.lineTo(cx + L * Math.sin(th), cy - 12 - L * Math.cos(th)); ctx.stroke();
    } else if (kind === "acrobot") {
      const o = obsAt(r, k), t1 = Math.atan2(o[1], o[0]), t2 = Math.atan2(o[3], o[2]);
      const sc = Math.min(W, H) / 4.6, cx = W / 2, cy = H / 2;
      const p1 = [cx + sc * Math.sin(t1), cy + sc * Math.cos(t1)];
      const p2 = [p1[0] + sc * Math.sin(t1 + t2), p1[1] + sc * Math.cos(t1 + t2)];
      ctx.strokeStyle = "#999"; ctx.lineWidth = 1; ctx.beginPath(); ctx.moveTo(0, cy - sc); ctx.lineTo(W, cy - sc); ctx.stroke();
      ctx.strokeStyle = "#1f77b4"; ctx.lineWidth = 8; ctx.beginPath(); ctx.moveTo(cx, cy); ctx.lineTo(p1[0], p1[1]); ctx.lineTo(p2[0], p2[1]); ctx.stroke();
      ctx.fillStyle = "#333"; ctx.beginPath(); ctx.arc(cx, cy, 5, 0, 7); ctx.fill();
    } else if (kind === "mountaincar" || kind === "mountaincar_continuous") {
      const pos = obsAt(r, k)[0], X = (x) => (x + 1.2) / 1.8 * (W - 20) + 10, Y = (x) => H - 20 - (Math.sin(3 * x) + 1) / 2.2 * (H - 40);
      ctx.strokeStyle = "#555"; ctx.lineWidth = 2; ctx.beginPath();
      for (let i = 0; i <= 100; ++i) { const x = -1.2 + 1.8 * i / 100; i ? ctx.lineTo(X(x), Y(x)) : ctx.moveTo(X(x), Y(x)); }
      ctx.stroke();
      const goal = kind === "mountaincar" ? 0.5 : 0.45;
      ctx.strokeStyle = "#2ca02c"; ctx.beginPath(); ctx.moveTo(X(goal), Y(goal)); ctx.lineTo(X(goal), Y(goal) - 30); ctx.stroke();
      ctx.fillStyle = "#d62728"; ctx.beginPath(); ctx.arc(X(pos), Y(pos) - 8, 8, 0, 7); ctx.fill();
    } else if (kind === "pendulum") {
      const o = obsAt(r, k), th = Math.atan2(o[1], o[0]), L = Math.min(W, H) * 0.38;
      // theta = 0 is upright, counter-clockwise positive.
      ctx.strokeStyle = "#d62728"; ctx.lineWidth = 10; ctx.beginPath(); ctx.moveTo(W / 2, H / 2);
      ctx.lineTo(W / 2 - L * Math.sin(th), H / 2 - L * Math.cos(th)); ctx.stroke();
      ctx.fillStyle = "#333"; ctx.beginPath(); ctx.arc(W / 2, H / 2, 5, 0, 7); ctx.fill();
    } else if (kind === "minatar") {
      const [h, w, c] = r.shape, frame = r.grid[k], digits = Math.ceil(c / 4), cs = Math.min(W / w, H / h);
      ctx.fillStyle = "#111"; ctx.fillRect(0, 0, w * cs, h * cs);
      for (let cell = 0; cell < h * w; ++cell) {
        const bits = parseInt(frame.substr(cell * digits, digits), 16);
        if (!bits) continue;
        const ch = 31 - Math.clz32(bits);  // the highest channel wins
        ctx.fillStyle = color(ch);
        ctx.fillRect((cell % w) * cs + 1, Math.floor(cell / w) * cs + 1, cs - 2, cs - 2);
      }
    } else if (kind === "maze") {
      const mz = extra.maze, s = r.states, lo = mz.low, hi = mz.high;
      const S = Math.min((W - 20) / (hi[0] - lo[0]), (H - 20) / (hi[1] - lo[1]));
      const X = (x) => 10 + (x - lo[0]) * S, Y = (y) => 10 + (y - lo[1]) * S;
      ctx.strokeStyle = "#222"; ctx.lineWidth = 2; ctx.beginPath();
      for (const w of mz.walls) { ctx.moveTo(X(w[0]), Y(w[1])); ctx.lineTo(X(w[2]), Y(w[3])); }
      ctx.stroke();
      ctx.fillStyle = "#d62728"; ctx.beginPath(); ctx.arc(X(mz.goal[0]), Y(mz.goal[1]), 5, 0, 7); ctx.fill();
      ctx.strokeStyle = "#ff7f0e"; ctx.lineWidth = 1.5; ctx.beginPath();
      for (let i = 0; i <= k; ++i) i ? ctx.lineTo(X(s[3 * i]), Y(s[3 * i + 1])) : ctx.moveTo(X(s[0]), Y(s[1]));
      ctx.stroke();
      const x = s[3 * k], y = s[3 * k + 1], hd = s[3 * k + 2] * Math.PI / 180;
      if (r.obs && r.obs_dim >= 6) {  // rangefinders (first six inputs, distance / 100)
        const o = obsAt(r, k), angles = [-90, -45, 0, 45, 90, -180];
        ctx.strokeStyle = "rgba(44,160,44,0.7)"; ctx.lineWidth = 1; ctx.beginPath();
        for (let i = 0; i < 6; ++i) {
          const a = hd + angles[i] * Math.PI / 180, d = o[i] * 100;
          ctx.moveTo(X(x), Y(y)); ctx.lineTo(X(x + d * Math.cos(a)), Y(y + d * Math.sin(a)));
        }
        ctx.stroke();
      }
      ctx.fillStyle = "#1f77b4"; ctx.beginPath(); ctx.arc(X(x), Y(y), mz.robot_radius * S, 0, 7); ctx.fill();
      ctx.strokeStyle = "#fff"; ctx.lineWidth = 2; ctx.beginPath(); ctx.moveTo(X(x), Y(y));
      ctx.lineTo(X(x + mz.robot_radius * Math.cos(hd)), Y(y + mz.robot_radius * Math.sin(hd))); ctx.stroke();
    } else {
      // Any other environment: the observation vector as bars.
      const o = r.obs ? obsAt(r, k) : [], n = o.length, bw = (W - 20) / Math.max(1, n);
      const mx = Math.max(1e-9, ...o.map(Math.abs));
      ctx.fillStyle = "#1f77b4";
      o.forEach((v, i) => { const h = v / mx * (H / 2 - 20); ctx.fillRect(10 + i * bw, H / 2 - Math.max(h, 0), bw - 2, Math.abs(h)); });
      ctx.strokeStyle = "#999"; ctx.beginPath(); ctx.moveTo(0, H / 2); ctx.lineTo(W, H / 2); ctx.stroke();
    }
  }
  function replayView(r, extra) {
    const kind = replayKind(r), frames = r.steps + 1;
    if (kind === "maze" && !extra.maze) return null;
    const W = kind === "minatar" ? 300 : 420, H = kind === "minatar" ? 300 : (kind === "maze" ? 420 : 260);
    const cv = el("canvas", {width: W, height: H});
    const ctx = cv.getContext("2d");
    const box = el("div", {class: "replay", "data-frame": 0, "data-frames": frames, "data-kind": kind});
    const slider = el("input", {type: "range", min: 0, max: frames - 1, value: 0});
    const label = el("span", {class: "frame-label"});
    const state = {k: 0, playing: true, last: 0};
    let cum = 0;
    const cumulative = [0];
    for (const v of r.rewards) cumulative.push(cum += v);
    const show = (k) => {
      state.k = k; box.dataset.frame = k; slider.value = k;
      drawFrame(ctx, r, kind, k, W, H, extra);
      label.textContent = ` step ${k} / ${frames - 1}, return so far ${fmt(cumulative[k])}`;
    };
    const btn = el("button", {text: "pause", onclick: () => { state.playing = !state.playing; btn.textContent = state.playing ? "pause" : "play"; }});
    slider.addEventListener("input", () => { state.playing = false; btn.textContent = "play"; show(Number(slider.value)); });
    state.tick = (now) => {
      if (!state.playing || now - state.last < 1000 / FPS[kind]) return;
      state.last = now;
      show((state.k + 1) % frames);
    };
    players.push(state);
    box.append(el("h4", {text: `${r.path}: ${r.env}, return ${fmt(r["return"])} in ${r.steps} steps (seed ${r.seed})`}), cv,
               el("div", {class: "controls"}, btn, slider, label));
    if (kind === "minatar") {
      const game = r.env.slice(8).replace(/-minimal$/, "");
      const names = MINATAR_CHANNELS[game] || [];
      box.append(el("div", {class: "legend"}, ...names.map((n, i) => el("span", {class: "key"}, el("i", {style: `background:${color(i)}`}), n))));
    }
    show(0);
    return box;
  }
  function replays(data) {
    const list = [];
    for (const r of data.runs) for (const rp of r.replays || []) list.push([rp, r.behaviours ? r.behaviours.maze : null]);
    const anyMaze = data.runs.find((r) => r.behaviours && r.behaviours.maze);
    for (const rp of data.replays) list.push([rp, anyMaze ? anyMaze.behaviours.maze : (rp.maze || null)]);
    if (!list.length) return null;
    const s = section("Champion replays", "replays");
    const row = el("div", {class: "row"});
    for (const [rp, maze] of list) {
      const v = replayView(rp, {maze: maze || rp.maze});
      if (v) row.append(v);
    }
    s.append(row);
    return s;
  }
  // ---------------------------------------------------------------------------------------------------
  // Champion networks (champion.svg of NEAT and HyperNEAT runs), shown as images: an <img> never runs the
  // drawing's markup as part of the page.
  function networks(data) {
    const runs = data.runs.filter((r) => typeof r.champion_svg === "string");
    if (!runs.length) return null;
    const s = section("Champion networks", "networks");
    const row = el("div", {class: "row"});
    for (const r of runs) {
      const img = el("img", {class: "champion-svg", "data-run": r.id, alt: `champion network of ${r.path}`,
                             src: "data:image/svg+xml;charset=utf-8," + encodeURIComponent(r.champion_svg)});
      row.append(el("figure", {class: "network-box"}, img, el("figcaption", {text: r.path})));
    }
    s.append(row);
    s.append(el("p", {class: "note", text: "Blue: positive weights; red: negative; width proportional to |w|."}));
    return s;
  }
  function animate(now) {
    for (const p of players) p.tick(now);
    requestAnimationFrame(animate);
  }

  // ---------------------------------------------------------------------------------------------------
  function render(data) {
    const app = document.getElementById("app");
    players.length = 0;
    app.innerHTML = "";
    const counts = [];
    if (data.runs.length) counts.push(`${data.runs.length} run${data.runs.length > 1 ? "s" : ""}`);
    const running = data.runs.filter((r) => r.status === "running").length;
    if (running) counts.push(`${running} running`);
    if (data.campaigns.length) counts.push(`${data.campaigns.length} BBOB campaign${data.campaigns.length > 1 ? "s" : ""}`);
    if (data.spikes.length) counts.push(`${data.spikes.length} spike recording${data.spikes.length > 1 ? "s" : ""}`);
    document.getElementById("status").textContent = counts.join(", ") +
      (document.body.dataset.mode === "live" ? ` \u2014 live, updated ${new Date().toLocaleTimeString()}` : "");
    for (const part of [curves, runsTable, strategyMetrics, replays, behaviours, networks, mpi, bbob, spikes]) {
      const sec = part(data);
      if (sec) app.append(sec);
    }
    ui.renders += 1;
    document.body.dataset.renders = ui.renders;
    window.neuroevoReport = {data, renders: ui.renders, renderedAt: performance.now()};
  }

  async function live() {
    let last = null;
    for (;;) {
      try {
        const f = await (await fetch("/api/fingerprint", {cache: "no-store"})).text();
        if (f !== last) {
          const data = await (await fetch("/api/data", {cache: "no-store"})).json();
          last = f;
          render(data);
        }
      } catch (e) {
        document.getElementById("status").textContent = "dashboard: server not reachable, retrying";
      }
      await new Promise((res) => setTimeout(res, 1000));
    }
  }

  requestAnimationFrame(animate);
  if (document.body.dataset.mode === "live") live();
  else render(JSON.parse(document.getElementById("report-data").textContent));
})();
