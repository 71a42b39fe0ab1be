// tradepivot pages: draw the Vega-Lite charts a page carries, offline and without eval.
//
// A chart is <div class="chart-canvas" data-spec="ID"> with its spec in
// <script type="application/json" id="ID"> (data, not code: the Content-Security-Policy allows
// no inline script). vega-embed draws it as SVG with its menu for PNG/SVG downloads; `ast: true`
// makes Vega interpret expressions instead of compiling them with new Function().
(function () {
  "use strict";

  function drawCharts(root) {
    if (typeof window.vegaEmbed !== "function") {
      return;
    }
    var canvases = root.querySelectorAll(".chart-canvas[data-spec]:not([data-drawn])");
    Array.prototype.forEach.call(canvases, function (canvas) {
      var source = document.getElementById(canvas.getAttribute("data-spec"));
      if (!source) {
        return;
      }
      canvas.setAttribute("data-drawn", "1");
      var spec = JSON.parse(source.textContent);
      var options = {
        renderer: "svg",
        ast: true,
        actions: { export: true, source: false, compiled: false, editor: false },
        downloadFileName: canvas.getAttribute("data-file") || "tradepivot-chart"
      };
      var locale = canvas.getAttribute("data-format-locale");
      if (locale) {
        options.formatLocale = JSON.parse(locale);
      }
      window.vegaEmbed(canvas, spec, options).then(function () {
        canvas.setAttribute("data-rendered", "true");
      }).catch(function (error) {
        canvas.setAttribute("data-rendered", "error");
        canvas.classList.add("chart-error");
        canvas.textContent = canvas.getAttribute("data-error") || String(error);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts(document);
  });
  // Charts inside content that htmx swapped in.
  document.addEventListener("htmx:afterSettle", function (event) {
    drawCharts(event.target || document);
  });
})();
