/* The community page's month-by-month bar chart, from the JSON that json_script wrote.
 *
 * The Content-Security-Policy allows no inline script or style: the data arrives in a
 * <script type="application/json"> element, ECharts draws with its SVG renderer, and the
 * tooltip is rich text rather than HTML (which would write style attributes). */
(function () {
  "use strict";

  var COLOURS = ["#b4232c", "#0b57a4", "#1a7f37", "#9a6700", "#9ecae1"];

  function option(data) {
    return {
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { bottom: 0 },
      grid: { left: 40, right: 44, top: 36, bottom: 64 },
      xAxis: { type: "category", data: data.labels },
      // The axis names sit above the axes, aligned inwards so a phone does not cut them.
      yAxis: [
        { type: "value", name: data.axes[0], minInterval: 1, nameTextStyle: { align: "left" } },
        {
          type: "value",
          name: data.axes[1],
          minInterval: 1,
          splitLine: { show: false },
          nameTextStyle: { align: "right" },
        },
      ],
      series: data.series.map(function (s, i) {
        return {
          name: s.name,
          type: "bar",
          yAxisIndex: s.axis,
          data: s.data,
          itemStyle: { color: COLOURS[i % COLOURS.length] },
        };
      }),
    };
  }

  function draw() {
    var el = document.getElementById("community-chart");
    var source = el && document.getElementById(el.dataset.source);
    if (!source || typeof echarts === "undefined") {
      return;
    }
    el.style.width = "100%";
    el.style.height = "340px";
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option(JSON.parse(source.textContent)));
    window.addEventListener("resize", function () {
      chart.resize();
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
