#!/usr/bin/env python3
"""Turns benchmark JSON files into the Markdown table of Benchmarks.md.

Usage: python3 Scripts/benchmarks_table.py TORCH.json CONVKIT.json [TORCH2.json CONVKIT2.json ...]
Each pair is one run of ../shared/bench/pytorch_suite.py --json and `convkit bench --json` at the
same thread count. With several pairs of the same thread count, each row shows the median of the
runs. Prints one table per thread count: both times, the speed-up (PyTorch time / ConvKit time)
and the geometric means over the conv rows (course-tiny excluded), the pool rows and, apart, the
pool_inference rows (pool2d, compared with PyTorch's pool_forward row: its forward pass under no_grad).
"""
import json, math, statistics, sys
from collections import defaultdict

def main(paths):
    if len(paths) < 2 or len(paths) % 2:
        sys.exit(__doc__)
    runs = defaultdict(lambda: defaultdict(lambda: ([], [])))  # threads -> (layer, op) -> (torch, convkit)
    order = []
    for torch_path, ours_path in zip(paths[::2], paths[1::2]):
        torch, ours = json.load(open(torch_path)), json.load(open(ours_path))
        if torch["threads"] != ours["threads"]:
            sys.exit(f"{torch_path} ran {torch['threads']} threads but {ours_path} ran {ours['threads']}")
        theirs = {(r["layer"], r["op"]): r["seconds"] for r in torch["rows"]}
        for r in ours["rows"]:
            key = (r["layer"], r["op"])
            peer = (r["layer"], "pool_forward") if r["op"] == "pool_inference" else key
            if peer in theirs:
                runs[ours["threads"]][key][0].append(theirs[peer])
                runs[ours["threads"]][key][1].append(r["seconds"])
                if key not in order:
                    order.append(key)
    for threads in sorted(runs):
        rows = runs[threads]
        print(f"\n### {threads} thread{'s' if threads > 1 else ''} (medians of {len(next(iter(rows.values()))[0])} run(s))\n")
        print("| layer | op | PyTorch ms | ConvKit ms | speed-up |")
        print("|---|---|---:|---:|---:|")
        groups = defaultdict(list)
        for key in order:
            if key not in rows:
                continue
            torch_s, ours_s = (statistics.median(v) for v in rows[key])
            ratio = torch_s / ours_s
            print(f"| {key[0]} | {key[1]} | {torch_s * 1e3:.3f} | {ours_s * 1e3:.3f} | {ratio:.2f}× |")
            if key[1] == "pool_inference":
                groups["pool inference"].append(ratio)
            elif key[1].startswith("pool"):
                groups["pool"].append(ratio)
            elif key[0] != "course-tiny":
                groups["conv"].append(ratio)
        for name, ratios in groups.items():
            mean = math.exp(sum(map(math.log, ratios)) / len(ratios))
            print(f"\n{name} rows: geometric mean {mean:.2f}×, lowest {min(ratios):.2f}× ({len(ratios)} rows)")

if __name__ == "__main__":
    main(sys.argv[1:])
