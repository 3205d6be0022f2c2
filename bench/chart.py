#!/usr/bin/env python3
"""Writes a small SVG bar chart of the benchmark's ratios (no plotting library needed).
Usage: chart.py OUT.svg "label=value" ..."""
import sys

out, items = sys.argv[1], [a.rsplit("=", 1) for a in sys.argv[2:]]
items = [(label, float(v)) for label, v in items]
# Bars past 6x (pgp_sym_encrypt is hundreds of times slower) are cut, their value printed.
top = min(max(v for _, v in items) * 1.1, 6.0)
w, row, left, bar_w = 820, 34, 250, 440
h = 50 + row * len(items)
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="13">',
       f'<rect width="{w}" height="{h}" fill="white"/>',
       '<text x="10" y="22" font-size="15" font-weight="bold">colcrypt: measured ratios (1.0 = as fast as the baseline)</text>']
x1 = left + bar_w / top
svg.append(f'<line x1="{x1:.1f}" y1="32" x2="{x1:.1f}" y2="{h - 8}" stroke="#888" stroke-dasharray="4 3"/>')
for i, (label, v) in enumerate(items):
    y = 40 + i * row
    bw = bar_w * min(v, top) / top
    color = "#2b7bb9" if "÷ colcrypt" in label else "#d9822b"
    svg.append(f'<text x="{left - 8}" y="{y + 17}" text-anchor="end">{label}</text>')
    svg.append(f'<rect x="{left}" y="{y + 4}" width="{bw:.1f}" height="{row - 10}" fill="{color}"/>')
    cut = " (bar cut)" if v > top else ""
    svg.append(f'<text x="{left + bw + 6:.1f}" y="{y + 17}">{v:.2f}×{cut}</text>')
svg.append("</svg>")
with open(out, "w") as f:
    f.write("\n".join(svg) + "\n")
