import ConvKitCore
import Foundation

/// Self-contained HTML pages (no network: inline SVG and script) that step through a course
/// step's frames as its loops run: Previous, Next and Play, the loop indices in each frame's
/// title, the current window outlined, the output filling in. `#step=N` (1-based) in the URL
/// opens frame N.
///
/// The SVG's geometry is fixed, so a screenshot can be checked: panel `p` starts at
/// ``panelLeft(_:in:)``, ``top`` pixels down, cells ``cell`` pixels square.
public enum ExplainPage {
    /// The side of a cell, in CSS pixels.
    public static let cell = 40
    /// The top of the panels' cells, in CSS pixels from the page's top.
    public static let top = 60
    /// The left edge of the first panel, and the space between panels.
    static let margin = 20, gap = 60

    /// The left edge of panel `index` of `frame`, in CSS pixels.
    public static func panelLeft(_ index: Int, in frame: MatrixFigure) -> Int {
        frame.panels.prefix(index).reduce(margin) { $0 + width(of: $1) + gap }
    }

    /// A panel's width: its cells, or its title (13 px monospace, about 8 px a character).
    static func width(of panel: MatrixFigure.Panel) -> Int {
        max((panel.values.first?.count ?? 0) * cell, panel.title.count * 8)
    }

    /// The page for `frames` (one step of the course), titled `title`, with a link back to the index.
    public static func html(title: String, frames: [MatrixFigure]) throws -> String {
        let data: [[String: Any]] = frames.map { frame in
            [
                "title": frame.title ?? "", "caption": frame.caption ?? "",
                "panels": frame.panels.map { panel -> [String: Any] in
                    let (low, high) = frame.range(of: panel)
                    return [
                        "title": panel.title, "low": low, "high": high, "width": width(of: panel),
                        "values": panel.values.map { $0.map { $0.isFinite ? $0 as Any : NSNull() } },
                        "outlines": panel.outlines.map { [$0.row, $0.column, $0.rows, $0.columns, hex($0.color)] as [Any] },
                    ]
                },
            ]
        }
        let json = try JSONSerialization.data(withJSONObject: ["frames": data, "colors": ColorMap.viridis.colors.map(hex)], options: [.sortedKeys])
        // "</" never appears inside the script: the data cannot close it.
        let payload = String(decoding: json, as: UTF8.self).replacingOccurrences(of: "</", with: "<\\/")
        return pageTemplate
            .replacingOccurrences(of: "@TITLE@", with: escape(title))
            .replacingOccurrences(of: "@DATA@", with: payload)
            .replacingOccurrences(of: "@CELL@", with: "\(cell)")
            .replacingOccurrences(of: "@TOP@", with: "\(top)")
            .replacingOccurrences(of: "@MARGIN@", with: "\(margin)")
            .replacingOccurrences(of: "@GAP@", with: "\(gap)")
    }

    /// The index page: a link to each step's page.
    public static func index(_ pages: [(title: String, file: String)]) -> String {
        let items = pages.map { "<li><a href=\"\(escape($0.file))\">\(escape($0.title))</a></li>" }.joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>ConvKit: the course, step by step</title>
            <style>body { font-family: sans-serif; margin: 20px; } li { margin: 6px 0; }</style></head>
            <body><h1>The course, step by step</h1><ul>
            \(items)
            </ul><p>Written by <code>convkit explain all --html</code>; every number comes from the course's own inputs.</p></body></html>

            """
    }

    static func hex(_ color: ChartColor) -> String { String(format: "#%02x%02x%02x", color.red, color.green, color.blue) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

/// The page: the SVG at the top left (so that its coordinates are the page's), the controls under it.
private let pageTemplate = #"""
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <title>@TITLE@</title>
    <style>
      body { margin: 0; font-family: sans-serif; background: #fff; }
      #controls { margin: 0 20px 20px; }
      button { font-size: 15px; margin-right: 8px; }
      #caption { font-size: 17px; margin: 10px 0; }
      svg text { font-family: monospace; }
    </style>
    </head>
    <body>
    <svg id="figure" xmlns="http://www.w3.org/2000/svg"></svg>
    <div id="controls">
      <div id="caption"></div>
      <button id="previous">Previous</button><button id="next">Next</button><button id="play">Play</button>
      <span id="position"></span> · <a href="index.html">all steps</a>
    </div>
    <script>
    const data = @DATA@;
    const cell = @CELL@, gridTop = @TOP@, margin = @MARGIN@, gap = @GAP@;  // window.top is taken
    const svg = document.getElementById("figure");
    let current = 0, timer = null;

    function color(value, low, high) {
      const t = high > low ? (value - low) / (high - low) : 0.5;
      const index = Math.min(data.colors.length - 1, Math.max(0, Math.floor(t * data.colors.length)));
      return data.colors[index];
    }

    function luminance(hex) {
      const n = parseInt(hex.slice(1), 16);
      return 0.299 * (n >> 16) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255);
    }

    function element(name, attributes, text) {
      const node = document.createElementNS("http://www.w3.org/2000/svg", name);
      for (const key in attributes) node.setAttribute(key, attributes[key]);
      if (text !== undefined) node.textContent = text;
      svg.appendChild(node);
    }

    function show(index) {
      current = Math.max(0, Math.min(data.frames.length - 1, index));
      const frame = data.frames[current];
      svg.replaceChildren();
      element("text", {x: margin, y: 22, "font-size": 18}, frame.title);
      let left = margin, height = 0;
      for (const panel of frame.panels) {
        const rows = panel.values.length;
        element("text", {x: left, y: gridTop - 12, "font-size": 13}, panel.title);
        panel.values.forEach((row, i) => row.forEach((value, j) => {
          const x = left + j * cell, y = gridTop + i * cell;
          if (value === null) {
            element("rect", {x: x + 0.5, y: y + 0.5, width: cell - 1, height: cell - 1, fill: "#ffffff", stroke: "#dcdcdc"});
            return;
          }
          const fill = color(value, panel.low, panel.high);
          element("rect", {x: x, y: y, width: cell, height: cell, fill: fill});
          element("text", {x: x + cell / 2, y: y + cell / 2 + 4, "font-size": 11, "text-anchor": "middle",
                           fill: luminance(fill) < 128 ? "#ffffff" : "#000000"}, value.toFixed(2));
        }));
        for (const [r, c, h, w, stroke] of panel.outlines) {
          element("rect", {x: left + c * cell + 1.5, y: gridTop + r * cell + 1.5, width: w * cell - 3, height: h * cell - 3,
                           fill: "none", stroke: stroke, "stroke-width": 3});
        }
        left += panel.width + gap;
        height = Math.max(height, rows * cell);
      }
      svg.setAttribute("width", left);
      svg.setAttribute("height", gridTop + height + 10);
      document.getElementById("caption").textContent = frame.caption;
      document.getElementById("position").textContent = "step " + (current + 1) + " of " + data.frames.length;
      try { history.replaceState(null, "", "#step=" + (current + 1)); } catch (error) {}  // file: pages may refuse
    }

    document.getElementById("previous").onclick = () => show(current - 1);
    document.getElementById("next").onclick = () => show(current + 1);
    document.getElementById("play").onclick = () => {
      if (timer) { clearInterval(timer); timer = null; return; }
      if (current === data.frames.length - 1) show(0);
      timer = setInterval(() => { if (current === data.frames.length - 1) { clearInterval(timer); timer = null; } else show(current + 1); }, 900);
    };
    const asked = /step=(\d+)/.exec(location.hash);
    show(asked ? parseInt(asked[1], 10) - 1 : 0);
    </script>
    </body>
    </html>

    """#
