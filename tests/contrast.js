// Added to a copy of a report for the contrast check only (the reports themselves have no
// script): every text on the page, HTML and SVG alike, with the details sections opened,
// measured against WCAG's contrast ratio; the ones under 4.5:1 are written into the DOM
// that --dump-dom prints, one line each, in a pre element marked data-checked.
(function () {
  function parse(text) {
    var m = (text || "").match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    var p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  }
  function over(top, bottom) {
    var a = top[3];
    return [0, 1, 2].map(function (i) { return top[i] * a + bottom[i] * (1 - a); }).concat([1]);
  }
  function luminance(c) {
    var w = [0.2126, 0.7152, 0.0722];
    return [0, 1, 2].reduce(function (sum, i) {
      var v = c[i] / 255;
      return sum + w[i] * (v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
    }, 0);
  }
  function ratio(a, b) {
    var x = luminance(a), y = luminance(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  }
  // The colour behind an element: its background and its ancestors', blended, over white.
  function behind(el) {
    var layers = [];
    for (var e = el; e && e.nodeType === 1; e = e.parentElement) {
      var c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) {
        layers.push(c);
        if (c[3] >= 1) break;
      }
    }
    var bg = [255, 255, 255, 1];
    for (var i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  }
  // Behind an SVG text: the topmost filled shape under its middle, else the page behind the
  // drawing.
  function behindSvg(t) {
    t.scrollIntoView({ block: "center" });
    var r = t.getBoundingClientRect();
    var stack = document.elementsFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    var svg = t.ownerSVGElement;
    for (var i = 0; i < stack.length; i++) {
      var e = stack[i];
      if (e === t || t.contains(e) || e.contains(t)) continue;
      if (!/^(rect|path|polygon|circle|ellipse)$/.test(e.tagName)) continue;
      var st = getComputedStyle(e);
      var fill = parse(st.fill);
      if (!fill) continue;
      fill[3] *= parseFloat(st.fillOpacity || "1") * parseFloat(st.opacity || "1");
      if (fill[3] > 0) return over(fill, behind(svg));
    }
    return behind(svg);
  }
  function name(el) {
    var text = (el.textContent || "").replace(/\s+/g, " ").trim().slice(0, 50);
    return el.tagName.toLowerCase() + "." + (el.getAttribute("class") || "") + " '" + text + "'";
  }
  document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  var bad = [];
  document.querySelectorAll("body *").forEach(function (el) {
    if (el.closest("svg") || ["SCRIPT", "STYLE", "PRE"].indexOf(el.tagName) >= 0) return;
    var own = Array.prototype.some.call(el.childNodes, function (n) {
      return n.nodeType === 3 && n.textContent.trim();
    });
    if (!own || !el.getClientRects().length) return;
    var fg = parse(getComputedStyle(el).color);
    var bg = behind(el);
    var r = ratio(over(fg, bg), bg);
    if (r < 4.5) bad.push(r.toFixed(2) + " " + name(el));
  });
  document.querySelectorAll("svg text").forEach(function (t) {
    if (!t.textContent.trim() || !t.getClientRects().length) return;
    var bg = behindSvg(t);
    var fill = parse(getComputedStyle(t).fill) || [0, 0, 0, 1];
    var r = ratio(over(fill, bg), bg);
    if (r < 4.5) bad.push(r.toFixed(2) + " svg " + name(t));
  });
  var pre = document.createElement("pre");
  pre.id = "contrast";
  pre.setAttribute("data-checked", "yes");
  pre.textContent = bad.join("\n");
  document.body.appendChild(pre);
})();
