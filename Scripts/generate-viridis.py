#!/usr/bin/env python3
"""Writes Sources/ConvKitFormats/Plot/ColorMap+Viridis.swift: matplotlib's viridis colour map
(the default of `imshow`, which the course's figures use; by Stéfan van der Walt and Nathaniel
Smith, CC0) as its 256 8-bit RGB entries, rounded as matplotlib rounds them to bytes.

    pip install matplotlib && python3 Scripts/generate-viridis.py
"""
import pathlib

from matplotlib import colormaps

OUT = pathlib.Path(__file__).resolve().parent.parent / "Sources" / "ConvKitFormats" / "Plot" / "ColorMap+Viridis.swift"


def main():
    table = colormaps["viridis"](range(256), bytes=True)
    rows = [f"        ({r}, {g}, {b})," for r, g, b, _ in table]
    OUT.write_text(
        "// Auto-generated file. Do not edit!\n"
        "//   Generator: Scripts/generate-viridis.py (matplotlib's viridis, CC0)\n"
        "extension ColorMap {\n"
        "    /// matplotlib's viridis: perceptually uniform, dark purple (low) to yellow (high).\n"
        "    public static let viridis = ColorMap(name: \"viridis\", entries: [\n"
        + "\n".join(rows) + "\n"
        "    ])\n"
        "}\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
