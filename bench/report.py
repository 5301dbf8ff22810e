#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# report.py - turn the raw files of one bench/run.sh run into
# <date>-<host>.json (every parameter and raw figure), <date>-<host>.md
# (K and S side by side with S/K ratios, and the optional peers with
# peer/K) and PNG plots (gnuplot): a bar chart of the S/K ratios, one of
# the peers' ratios beside S's, and latency CDFs.
#
# Use: report.py WORK OUT   (run.sh calls it; WORK/m/<name>/ holds one
# measurement each: meta.json, the tools' JSON or text output, and counter
# snapshots *.before / *.after taken around it).
import csv
import datetime
import glob
import json
import os
import re
import socket
import subprocess
import sys

# Percentiles kept in the JSON for each latency distribution (the raw
# samples stay out: 20000 per run would make the file large).
CDF_POINTS = [0, 1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100]

# The optional peers of bench/run.sh, as their measurements' topo: other
# user-space stacks, compared with K like S is.
PEERS = ["pasta", "slirp4netns", "lwip"]


def pctl(sorted_s, p):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_s:
        return None
    rank = max(1, min(len(sorted_s), int(p / 100.0 * len(sorted_s) + 0.999999)))
    return sorted_s[rank - 1]


def read(path, default=None):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return default


def load_json(path):
    text = read(path)
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def snmp(path):
    """/proc/net/snmp as {'Udp': {'InDatagrams': n, ...}, ...}."""
    out = {}
    lines = (read(path) or "").splitlines()
    for head, vals in zip(lines[0::2], lines[1::2]):
        proto, names = head.split(":", 1)
        _, nums = vals.split(":", 1)
        out[proto] = {k: int(v) for k, v in zip(names.split(), nums.split())}
    return out


def delta_dict(a, b):
    """b - a for every numeric key, nonzero only (as nstat prints)."""
    d = {}
    for k, v in b.items():
        if isinstance(v, dict):
            sub = delta_dict(a.get(k, {}), v)
            if sub:
                d[k] = sub
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            x = v - a.get(k, 0)
            if x:
                d[k] = x
    return d


def counters(d):
    """Deltas of every counter snapshot in measurement folder d."""
    out = {}
    for before in sorted(glob.glob(os.path.join(d, "snmp-*.before"))):
        ns = os.path.basename(before)[5:-7]
        delta = delta_dict(snmp(before), snmp(before[:-7] + ".after"))
        if delta:
            out["kernel_" + ns] = delta
    eb = load_json(os.path.join(d, "engine-stats.before"))
    ea = load_json(os.path.join(d, "engine-stats.after"))
    if isinstance(eb, dict) and isinstance(ea, dict):
        out["engine"] = delta_dict(eb, ea)
    tb = read(os.path.join(d, "tap-txdrop.before"))
    ta = read(os.path.join(d, "tap-txdrop.after"))
    if tb and ta:
        out["tap_tx_dropped"] = int(ta) - int(tb)
    return out


def engine_cpu(d):
    """The engine's CPU seconds during the measurement, or None."""
    b = read(os.path.join(d, "engine-cpu.before"))
    a = read(os.path.join(d, "engine-cpu.after"))
    if not a or not b:
        return None
    b, a = [int(x) for x in b.split()], [int(x) for x in a.split()]
    hz = a[2]
    return {"cpu_s": (a[3] - b[3]) / 1e9, "utime_s": (a[0] - b[0]) / hz,
            "stime_s": (a[1] - b[1]) / hz}


def ksoftirqd_cpu(d):
    b = read(os.path.join(d, "ksoftirqd-ns.before"))
    a = read(os.path.join(d, "ksoftirqd-ns.after"))
    if not a or not b:
        return None
    return (int(a) - int(b)) / 1e9


def proc_cpu(d, name):
    """CPU seconds of a process between NAME.before and NAME.after in d
    (each "utime stime CLK_TCK", as run.sh's proc_cpu writes), or None."""
    b = read(os.path.join(d, name + ".before"))
    a = read(os.path.join(d, name + ".after"))
    if not a or not b:
        return None
    b, a = [int(x) for x in b.split()], [int(x) for x in a.split()]
    return (a[0] + a[1] - b[0] - b[1]) / a[2]


def cpu_of(r):
    return (r or {}).get("utime_s", 0) + (r or {}).get("stime_s", 0)


def lat_summary(samples):
    s = sorted(samples)
    if not s:
        return {}
    return {"count": len(s), "min_us": s[0], "avg_us": sum(s) / len(s),
            "p50_us": pctl(s, 50), "p99_us": pctl(s, 99),
            "p999_us": pctl(s, 99.9), "max_us": s[-1],
            "cdf_us": {str(p): pctl(s, p) for p in CDF_POINTS}}


def load_samples(d):
    text = read(os.path.join(d, "samples.txt"), "")
    return [float(x) for x in text.split()]


def do_rr(d, m, r):
    client = load_json(os.path.join(d, "client.json")) or {}
    server = load_json(os.path.join(d, "server.json"))
    r["client"], r["server"] = client, server
    if "error" in client or "answered" not in client:
        r["error"] = client.get("error", "no client result")
        return []
    samples = load_samples(d)
    r.update(lat_summary(samples))
    r["rps"] = client["rps"]
    r["lost"] = client["lost"]
    # CPU per 100k requests: the client's own (measured requests only);
    # the server's or the engine's include the warm-up requests.
    n = client["answered"]
    served = n + client.get("warmup", 0)
    per = cpu_of(client) / n
    if server:
        per += cpu_of(server) / served
    if r.get("engine_cpu"):
        per += r["engine_cpu"]["cpu_s"] / served
    if r.get("peer_cpu_s") is not None:
        per += r["peer_cpu_s"] / served
    r["cpu_s_per_100k_req"] = per * 1e5
    return samples


def do_stream(d, m, r):
    client = load_json(os.path.join(d, "client.json")) or {}
    server = load_json(os.path.join(d, "server.json"))
    r["client"], r["server"] = client, server
    if "sent" not in client:
        r["error"] = "no sender result"
        return []
    size = m["size"]
    if m["topo"] == "K":
        received = (server or {}).get("received", 0)
        recv_cpu = cpu_of(server)
    else:
        received = r["counters"].get("engine", {}).get("UdpInDatagrams", 0)
        recv_cpu = (r.get("engine_cpu") or {}).get("cpu_s", 0)
    r["sent"], r["received"] = client["sent"], received
    r["mbps_delivered"] = received * size * 8 / client["elapsed_s"] / 1e6
    r["mbps_offered"] = client["offered_mbps"]
    r["loss_pct"] = (100.0 * (client["sent"] - received) / client["sent"]
                     if client["sent"] else None)
    gb = received * size / 1e9
    r["cpu_s_sender"] = cpu_of(client)
    r["cpu_s_receiver"] = recv_cpu
    r["cpu_s_per_gb"] = (cpu_of(client) + recv_cpu) / gb if gb else None
    return []


def do_iperf(d, m, r):
    j = load_json(os.path.join(d, "iperf3.json"))
    if not j or "end" not in j:
        r["error"] = (read(os.path.join(d, "iperf3.err"), "") or
                      (j or {}).get("error", "no iperf3 result")).strip()
        return []
    end = j["end"]
    recv = end.get("sum_received", {})
    r["mbps_delivered"] = recv.get("bits_per_second", 0) / 1e6
    r["retransmits"] = end.get("sum_sent", {}).get("retransmits")
    r["iperf3_cpu"] = end.get("cpu_utilization_percent")
    gb = recv.get("bytes", 0) / 1e9
    # iperf3's own CPU figures (client and server, user+system, as % of
    # the run) plus, on S, the engine's.
    cpu = end.get("cpu_utilization_percent") or {}
    secs = recv.get("seconds", 0)
    if gb and secs and "host_total" in cpu and "remote_total" in cpu:
        tot = (cpu["host_total"] + cpu["remote_total"]) / 100 * secs
        if m["topo"] == "S":
            eng = (r.get("engine_cpu") or {}).get("cpu_s")
            tot = tot + eng if eng is not None else None
        elif m["topo"] in PEERS:
            peer = r.get("peer_cpu_s")
            tot = tot + peer if peer is not None else None
        if tot is not None:
            r["cpu_s_per_gb"] = tot / gb
    return []


def do_bulk(d, m, r):
    c = load_json(os.path.join(d, "client.json"))
    if not c or "mbit" not in c:
        r["error"] = (read(os.path.join(d, "client.err"), "") or
                      (c or {}).get("error", "no tcp_bulk result")).strip()[-200:]
        return []
    r["mbps"] = c["mbit"]
    r["bytes"] = c["bytes"]
    gb = c["bytes"] / 1e9
    # Every process moving the bytes: the client, and the K server or the
    # S engine (both include the kernel work done in their context); for
    # a peer, its own process and K's server when it uses one.
    if m["topo"] == "K":
        other = proc_cpu(d, "server-cpu")
    elif m["topo"] == "S":
        other = (r.get("engine_cpu") or {}).get("cpu_s")
    else:
        other = r.get("peer_cpu_s")
        server = proc_cpu(d, "server-cpu")
        if other is not None and server is not None:
            other += server
    if other is not None and gb and "cpu_s" in c:
        r["cpu_s_per_gb"] = (c["cpu_s"] + other) / gb
    return []


def do_conns(d, m, r):
    # connscale.py prints a line once the connections are open and
    # another once they are closed.
    c = {}
    for line in (read(os.path.join(d, "client.json")) or "").splitlines():
        try:
            c.update(json.loads(line))
        except ValueError:
            pass
    b = read(os.path.join(d, "mem.before"))
    a = read(os.path.join(d, "mem.after"))
    if not c or not c.get("opened") or not a or not b:
        r["error"] = (read(os.path.join(d, "client.err"), "") or
                      "no connscale result").strip()[-200:]
        return []
    (rss0, slab0), (rss1, slab1) = [map(int, x.split()) for x in (b, a)]
    kb = rss1 - rss0
    if m["topo"] == "K":
        kb += (slab1 - slab0) / 2  # the accepting half of the kernel's
    r.update({"opened": c["opened"], "failed": c["failed"],
              "procs": c.get("procs", 1), "closed": c.get("closed"),
              "close_s": c.get("close_s"),
              "conns_per_s": c["opened"] / c["open_s"] if c["open_s"] else None,
              "bytes_per_conn": kb * 1024 / c["opened"]})
    return []


WRK_UNITS = {"us": 1.0, "ms": 1e3, "s": 1e6, "m": 60e6}


def wrk_us(text):
    """wrk's '1.23ms' as microseconds."""
    m = re.match(r"([0-9.]+)(us|ms|s|m)$", text)
    return float(m.group(1)) * WRK_UNITS[m.group(2)] if m else None


def do_http(d, m, r):
    out = read(os.path.join(d, "wrk.txt"), "")
    rps = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    if not rps:
        r["error"] = (out.strip().splitlines() or ["no wrk output"])[-1]
        return []
    r["rps"] = float(rps.group(1))
    for pct in ("50", "99"):
        lat = re.search(r"^\s+%s%%\s+(\S+)" % pct, out, re.M)
        r["p%s_us" % pct] = wrk_us(lat.group(1)) if lat else None
    errs = re.search(r"Socket errors: connect (\d+), read (\d+), "
                     r"write (\d+), timeout (\d+)", out)
    r["socket_errors"] = sum(map(int, errs.groups())) if errs else 0
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    r["non_2xx"] = int(non2xx.group(1)) if non2xx else 0
    return []


def do_redis(d, m, r):
    rows = list(csv.reader(read(os.path.join(d, "redis.csv"), "").splitlines()))
    if len(rows) < 2 or rows[0][:2] != ["test", "rps"]:
        r["error"] = (read(os.path.join(d, "redis.err"), "") or
                      "no redis-benchmark result").strip()[-200:]
        return []
    head = rows[0]
    for row in rows[1:]:
        rec = dict(zip(head, row))
        name = rec["test"].lower()
        r[name + "_rps"] = float(rec["rps"])
        if "p50_latency_ms" in rec:
            r[name + "_p50_us"] = float(rec["p50_latency_ms"]) * 1e3
    return []


HANDLERS = {"icmp_echo": do_rr, "udp_rr": do_rr, "tcp_rr": do_rr,
            "udp_stream": do_stream, "tcp_bulk": do_bulk,
            "connscale": do_conns,
            "iperf3": do_iperf, "http": do_http,
            "redis": do_redis}

# (workload, metric, label, True when higher is better)
RATIO_METRICS = [
    ("icmp_echo", "p50_us", "p50 RTT", False),
    ("icmp_echo", "p99_us", "p99 RTT", False),
    ("icmp_echo", "avg_us", "avg RTT", False),
    ("udp_rr", "p50_us", "p50 RTT", False),
    ("udp_rr", "p99_us", "p99 RTT", False),
    ("udp_rr", "p999_us", "p99.9 RTT", False),
    ("udp_rr", "rps", "req/s", True),
    ("udp_rr", "cpu_s_per_100k_req", "CPU s/100k req", False),
    ("udp_stream", "mbps_delivered", "Mbit/s delivered", True),
    ("udp_stream", "loss_pct", "loss %", False),
    ("udp_stream", "cpu_s_per_gb", "CPU s/GB", False),
    ("tcp_rr", "p50_us", "p50 RTT", False),
    ("tcp_rr", "p99_us", "p99 RTT", False),
    ("tcp_rr", "rps", "req/s", True),
    ("tcp_rr", "cpu_s_per_100k_req", "CPU s/100k req", False),
    ("tcp_bulk", "mbps", "Mbit/s", True),
    ("tcp_bulk", "cpu_s_per_gb", "CPU s/GB", False),
    ("connscale", "bytes_per_conn", "memory per idle connection (B)", False),
    ("connscale", "conns_per_s", "connections opened/s", True),
    ("iperf3", "mbps_delivered", "Mbit/s", True),
    ("iperf3", "cpu_s_per_gb", "CPU s/GB", False),
    ("http", "rps", "req/s", True),
    ("http", "p99_us", "p99 latency", False),
    ("http", "socket_errors", "socket errors", False),
    ("redis", "get_rps", "GET/s", True),
    ("redis", "set_rps", "SET/s", True),
]


def case_key(m):
    """What must match for a K and an S measurement to be compared."""
    keys = ("size", "streams", "direction", "mtu", "body", "mode", "conns")
    return tuple((k, m[k]) for k in keys if k in m)


def case_label(m):
    parts = []
    if "size" in m:
        parts.append("%s B" % m["size"])
    if "streams" in m:
        parts.append("-P %s %s" % (m["streams"], m["direction"]))
        if "mtu" in m:
            parts.append("mtu %s" % m["mtu"])
    elif "direction" in m:
        parts.append(m["direction"])
    if "body" in m:
        parts.append("%s %s" % (m["body"], m["mode"]))
    if "conns" in m:
        parts.append("%s connections" % m["conns"])
    if str(m.get("variant", "")).startswith("shim"):
        parts.append(m["variant"].replace("-", " "))
    return ", ".join(parts) or "-"


def fmt(v):
    if v is None:
        return "-"
    if isinstance(v, float):
        if abs(v) >= 1000:
            return "%.0f" % v
        if abs(v) >= 10:
            return "%.1f" % v
        return "%.3g" % v
    return str(v)


def peer_rows(results):
    """Each peer measurement against K's of the same case, S's beside it:
    one row per workload, case and metric that some peer has, with a
    value and a ratio to K per stack (S and each peer)."""
    by = {}
    for r in results:
        m = r["params"]
        by.setdefault((m["workload"], case_key(m)), {}).setdefault(
            m["topo"], r)
    rows = []
    for wl, metric, label, higher in RATIO_METRICS:
        for (w, key), topos in sorted(by.items(), key=lambda x: str(x[0])):
            if (w != wl or "K" not in topos or
                    not any(p in topos for p in PEERS)):
                continue
            kv = topos["K"].get(metric)
            row = {"workload": wl, "metric": metric, "metric_label": label,
                   "case": case_label(topos["K"]["params"]), "K": kv,
                   "higher_better": higher, "stacks": {}}
            for st in ["S"] + PEERS:
                if st not in topos:
                    continue
                v = topos[st].get(metric)
                row["stacks"][st] = {
                    "value": v,
                    "ratio": (v / kv if isinstance(kv, (int, float)) and kv
                              and isinstance(v, (int, float)) else None)}
            if any(x["value"] is not None for p, x in row["stacks"].items()
                   if p in PEERS):
                rows.append(row)
    # As the S/K table: by workload, then case, then metric.
    order = [m[0] for m in RATIO_METRICS]
    metrics = [(m[0], m[1]) for m in RATIO_METRICS]
    rows.sort(key=lambda x: (order.index(x["workload"]), x["case"],
                             metrics.index((x["workload"], x["metric"]))))
    return rows


def write_cdf(path, samples):
    s = sorted(samples)
    step = max(1, len(s) // 2000)
    with open(path, "w") as f:
        for i in range(0, len(s), step):
            f.write("%.3f %.6f\n" % (s[i], (i + 1) / len(s)))
        f.write("%.3f 1.0\n" % s[-1])


def plot_peers(out, stem, rows, work):
    """Grouped bars: each stack's ratio to K (S and the peers) per row of
    peer_rows(); the name of the PNG, or None."""
    stacks = ["S"] + [p for p in PEERS
                      if any(p in r["stacks"] for r in rows)]
    if not rows or len(stacks) < 2:
        return None
    dat = os.path.join(work, "peers.dat")
    top, bottom = 1.0, 1.0
    with open(dat, "w") as f:
        f.write("case\t%s\n" % "\t".join(stacks))
        for r in rows:
            vals = []
            for st in stacks:
                x = r["stacks"].get(st, {}).get("ratio")
                if x is not None and x > 0:
                    top, bottom = max(top, x), min(bottom, x)
                    vals.append("%.4f" % x)
                else:
                    vals.append("?")
            f.write("%s %s %s %s\t%s\n" % (
                r["workload"], r["case"], r["metric_label"],
                "(higher better)" if r["higher_better"] else "(lower better)",
                "\t".join(vals)))
    png = "%s-peers.png" % stem
    script = """
set terminal pngcairo noenhanced size %d,680 font "sans,9"
set output "%s"
set title "Each stack / kernel (K), same run: nsstack (S) and the optional peers"
set datafile separator "\\t"
set datafile missing "?"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set logscale y 2
set yrange [%g:%g]
set ylabel "ratio to K (log scale)"
set grid ytics
set xtics rotate by 45 right font "sans,8" nomirror
set bmargin 17
set lmargin 12
set key top left
set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 2 lc rgb "black"
plot for [i=2:%d] "%s" using i:xtic(1) title columnheader(i)
""" % (max(900, 25 * len(stacks) * len(rows) + 200), os.path.join(out, png),
       bottom / 1.6, top * 1.6, len(stacks) + 1, dat)
    return png if run_gnuplot(script) else None


# Dash pattern of each topology in the latency CDF.
CDF_DASH = {"K": 1, "S": 2, "pasta": 3, "slirp4netns": 4, "lwip": 5}


def plot(out, stem, ratios, cdfs, work):
    """PNG plots with gnuplot; data files live in WORK."""
    pngs = []
    bars = [x for x in ratios if x["ratio"] is not None and x["ratio"] > 0]
    if bars:
        dat = os.path.join(work, "ratios.dat")
        with open(dat, "w") as f:
            for i, x in enumerate(bars):
                lab = "%s %s %s" % (x["workload"], x["case"],
                                    x["metric_label"])
                f.write('%d "%s" %.4f %d\n' % (i, lab, x["ratio"],
                                                1 if x["higher_better"] else 0))
        png = "%s-ratios.png" % stem
        script = """
set terminal pngcairo noenhanced size %d,680 font "sans,9"
set output "%s"
set title "nsstack (S) / kernel (K), same run\\nblue: lower is better (latency, loss, CPU), S/K > 1 = S worse; green: higher is better (throughput, req/s), S/K < 1 = S worse"
set style fill solid 0.8 border -1
set boxwidth 0.7
set logscale y 2
set yrange [%g:%g]
set ylabel "S/K ratio (log scale)"
set grid ytics
set xtics rotate by 45 right font "sans,8" nomirror
set bmargin 15
set lmargin 12
set key off
set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 2 lc rgb "black"
plot "%s" using 1:3:($4 == 1 ? 0x2e7d32 : 0x1565c0):xtic(2) with boxes lc rgb variable, \\
     "" using 1:3:(sprintf("%%.2f", $3)) with labels offset 0,0.7 font "sans,8"
""" % (max(900, 60 * len(bars) + 200), os.path.join(out, png),
       min(1, min(x["ratio"] for x in bars)) / 1.6,
       max(1, max(x["ratio"] for x in bars)) * 1.6, dat)
        if run_gnuplot(script):
            pngs.append(png)
    if cdfs:
        png = "%s-latency-cdf.png" % stem
        plots = []
        cases = sorted({lab.split(" ", 1)[1] for lab in cdfs})
        for i, (label, samples) in enumerate(sorted(cdfs.items())):
            dat = os.path.join(work, "cdf-%d.dat" % i)
            write_cdf(dat, samples)
            topo, case = label.split(" ", 1)
            dash = "dt %d" % CDF_DASH.get(topo, 2)
            plots.append('"%s" using 1:2 with lines lw 2 %s lc %d title "%s"'
                         % (dat, dash, cases.index(case) + 1, label))
        script = """
set terminal pngcairo noenhanced size 1000,620 font "sans,10"
set output "%s"
set title "Round-trip latency CDF (solid: kernel K, dashed: nsstack S, other dash patterns: peers)"
set logscale x 10
set xlabel "RTT (us, log scale)"
set ylabel "fraction of requests"
set yrange [0:1.01]
set grid
set key right bottom
plot %s
""" % (os.path.join(out, png), ", \\\n     ".join(plots))
        if run_gnuplot(script):
            pngs.append(png)
    return pngs


def run_gnuplot(script):
    p = subprocess.run(["gnuplot"], input=script, text=True,
                       capture_output=True)
    if p.returncode:
        sys.stderr.write("report: gnuplot failed: %s\n" % p.stderr)
    return p.returncode == 0


def main():
    work, out = sys.argv[1], sys.argv[2]
    run = load_json(os.path.join(work, "run", "meta.json")) or {}
    now = datetime.datetime.now(datetime.timezone.utc)
    host = socket.gethostname().split(".")[0]
    stem = "%s-%s" % (now.strftime("%Y-%m-%d"), host)
    run.update({"date": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "host": host})

    results, skipped, cdfs = [], [], {}
    for d in sorted(glob.glob(os.path.join(work, "m", "*"))):
        m = load_json(os.path.join(d, "meta.json")) or {}
        name = os.path.basename(d)
        if "skipped" in m:
            skipped.append({"name": name, "workload": m["workload"],
                            "reason": m["skipped"]})
            continue
        r = {"name": name, "params": m, "counters": counters(d),
             "engine_cpu": engine_cpu(d),
             "ksoftirqd_cpu_s": ksoftirqd_cpu(d)}
        if m.get("topo") in PEERS:
            # The engine idles during a peer's run: its CPU and counters
            # are not the peer's.
            r["engine_cpu"] = None
            r["counters"].pop("engine", None)
            r["counters"].pop("tap_tx_dropped", None)
            r["peer_cpu_s"] = proc_cpu(d, "peer-cpu")
        samples = HANDLERS[m["workload"]](d, m, r)
        if samples and m["workload"] in ("icmp_echo", "udp_rr", "tcp_rr"):
            lab = "%s %s %s" % (m["topo"], m["workload"], case_label(m))
            cdfs[lab] = samples
        results.append(r)

    # Pair every S measurement with the K one of the same case.
    ratios = []
    by = {}
    for r in results:
        m = r["params"]
        by.setdefault((m["workload"], case_key(m)), {}).setdefault(
            m["topo"], []).append(r)
    for wl, metric, label, higher in RATIO_METRICS:
        for (w, key), topos in sorted(by.items(), key=lambda x: str(x[0])):
            if w != wl or "K" not in topos or "S" not in topos:
                continue
            k = topos["K"][0]
            for s in topos["S"]:
                kv, sv = k.get(metric), s.get(metric)
                ratio = (sv / kv if isinstance(kv, (int, float)) and kv and
                         isinstance(sv, (int, float)) else None)
                ratios.append({"workload": wl, "metric": metric,
                               "metric_label": label,
                               "case": case_label(s["params"]),
                               "K": kv, "S": sv, "ratio": ratio,
                               "higher_better": higher})

    order = [m[0] for m in RATIO_METRICS]
    ratios.sort(key=lambda x: (order.index(x["workload"]), x["case"],
                               order.index(x["workload"]) +
                               [m[1] for m in RATIO_METRICS].index(x["metric"])))
    pngs = plot(out, stem, ratios, cdfs, work)
    peers = peer_rows(results)
    png = plot_peers(out, stem, peers, work)
    if png:
        pngs.append(png)
    doc = {"run": run, "results": results, "ratios": ratios,
           "peer_ratios": peers, "skipped": skipped, "plots": pngs}
    with open(os.path.join(out, stem + ".json"), "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")

    md = ["# nsstack benchmark: %s on %s" % (run["date"], host), "",
          "K: kernel to kernel over a veth pair (two namespaces); S: kernel "
          "to nsstackd over a TAP. Same MTU (%s), same programs, same run. "
          "S/K > 1 means S is higher: worse for latency, loss and CPU, "
          "better for throughput and req/s." % run.get("mtu", "?"), "",
          "Machine: %s, %s CPUs, Linux %s, commit %s; the run took %s s. "
          "CPU is every process involved (client, server or engine) from "
          "getrusage or /proc/PID/schedstat; softirq work done in ksoftirqd "
          "is recorded in the JSON but not counted." % (
              run.get("cpu", "?"), run.get("nproc", "?"),
              run.get("kernel", "?"), run.get("commit", "?"),
              run.get("elapsed_s", "?")), "",
          "| workload | case | metric | K | S | S/K |",
          "|---|---|---|---:|---:|---:|"]
    for x in ratios:
        md.append("| %s | %s | %s | %s | %s | %s |" % (
            x["workload"], x["case"], x["metric_label"], fmt(x["K"]),
            fmt(x["S"]), "-" if x["ratio"] is None else "%.2f" % x["ratio"]))
    md += ["", "## Notes", "",
           "- udp_rr S is answered by the engine's built-in echo service, "
           "inside the engine: no application process wakes up, unlike K's "
           "udprr server. Rows marked `shim server` and `shim client` (once "
           "libnsshim.so exists) compare application to application.",
           "- icmp_echo sends one request per millisecond (as `ping -i "
           "0.001`), so each round trip starts from idle and includes "
           "wake-up latency; udp_rr and tcp_rr send back to back.",
           "- udp_stream senders are unpaced: loss is the sender outrunning "
           "the receiver. Where datagrams died is in the JSON counters "
           "(K: `Udp.RcvbufErrors` of the receiving namespace; S: "
           "`tap_tx_dropped`, the TAP queue full before the engine read it, "
           "and the engine's own counters).",
           "- Two vCPUs shared with other jobs: expect noise, especially in "
           "p99 and beyond; compare ratios from one run, not across runs."]
    if peers:
        stacks = ["S"] + [p for p in PEERS
                          if any(p in r["stacks"] for r in peers)]
        md += ["", "## Peers", "",
               "Other user-space stacks on the same workloads, each "
               "against K of this run (S repeated for comparison): "
               "pasta and slirp4netns serve a namespace whose kernel "
               "client reaches K's server through them; lwIP (a harness "
               "on its own TAP) serves the kernel client itself. "
               "X/K > 1 means X is higher.", "",
               "| workload | case | metric | K | %s |" % " | ".join(
                   "%s | %s/K" % (st, st) for st in stacks),
               "|---|---|---|---:|%s" % ("---:|---:|" * len(stacks))]
        for x in peers:
            cells = []
            for st in stacks:
                v = x["stacks"].get(st, {})
                cells += [fmt(v.get("value")),
                          "-" if v.get("ratio") is None
                          else "%.2f" % v["ratio"]]
            md.append("| %s | %s | %s | %s | %s |" % (
                x["workload"], x["case"], x["metric_label"], fmt(x["K"]),
                " | ".join(cells)))
    md += ["", "## Parameters", ""]
    for r in results:
        p = dict(r["params"])
        md.append("- `%s`: %s" % (r["name"], ", ".join(
            "%s=%s" % (k, v) for k, v in sorted(p.items()))))
        if r.get("error"):
            md.append("  - error: %s" % r["error"])
    md += ["", "## Skipped", ""]
    for s in skipped:
        md.append("- `%s`: skipped: %s" % (s["name"], s["reason"]))
    if pngs:
        md += ["", "## Plots", ""]
        md += ["![%s](%s)" % (p, p) for p in pngs]
    with open(os.path.join(out, stem + ".md"), "w") as f:
        f.write("\n".join(md) + "\n")

    # The index lists every results set, newest first.
    sets = sorted(glob.glob(os.path.join(out, "*-*.md")), reverse=True)
    idx = ["# Benchmark results", "",
           "Made by `make bench` (bench/run.sh); newest first.", ""]
    idx += ["- [%s](%s)" % (os.path.basename(s)[:-3], os.path.basename(s))
            for s in sets if not s.endswith("README.md")]
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write("\n".join(idx) + "\n")

    print("\n".join(md[md.index("| workload | case | metric | K | S | S/K |"):
                    md.index("## Parameters")]))
    for s in skipped:
        print("skipped: %s: %s" % (s["name"], s["reason"]))
    print("report: %s.{json,md} %s in %s" % (stem, " ".join(pngs), out))


if __name__ == "__main__":
    main()
