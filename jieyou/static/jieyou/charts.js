/* Draws the charts of a page from data in <script type="application/json"> elements.
 *
 * The page's Content-Security-Policy allows no inline script and no inline style, so the
 * data arrives as JSON (Django's json_script), ECharts draws with its SVG renderer, and
 * nothing writes a style attribute: sizes go through the style object, which the policy
 * permits. */
(function () {
  "use strict";

  function composite(el, data) {
    return {
      animation: false,
      // The HTML tooltip writes style attributes, which the policy refuses; rich text is
      // drawn by the renderer itself.
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { data: [data.names.composite, data.names.concerns], bottom: 0 },
      grid: { left: 44, right: 44, top: 24, bottom: 56 },
      xAxis: { type: "category", data: data.labels },
      yAxis: [
        { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        { type: "value", minInterval: 1, splitLine: { show: false } },
      ],
      series: [
        {
          name: data.names.concerns,
          type: "bar",
          yAxisIndex: 1,
          data: data.concerns,
          itemStyle: { color: "#9ecae1" },
        },
        {
          name: data.names.composite,
          type: "line",
          data: data.composite,
          connectNulls: false,
          itemStyle: { color: "#0b57a4" },
          label: { show: true, formatter: "{c}" },
        },
      ],
    };
  }

  var KINDS = { composite: composite };

  function draw(el) {
    var source = document.getElementById(el.dataset.source);
    var kind = KINDS[el.dataset.chart];
    if (!source || !kind || typeof echarts === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    el.style.width = "100%";
    el.style.height = el.dataset.height || "320px";
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(kind(el, data));
    window.addEventListener("resize", function () {
      chart.resize();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(draw);
  });
})();
