/* The results chart of a cycle: each subject's total as a bar, its 95 % interval as a
 * whisker. Data comes from a json_script element (the Content-Security-Policy allows no inline
 * script); the SVG renderer draws without style attributes. */
(function () {
  "use strict";

  function whisker(params, api) {
    var y = api.value(0);
    var low = api.coord([api.value(1), y]);
    var high = api.coord([api.value(2), y]);
    var half = api.size([0, 1])[1] * 0.2;
    var style = { stroke: "#333", lineWidth: 1.5 };
    return {
      type: "group",
      children: [
        { type: "line", shape: { x1: low[0], y1: low[1], x2: high[0], y2: high[1] }, style: style },
        { type: "line", shape: { x1: low[0], y1: low[1] - half, x2: low[0], y2: low[1] + half }, style: style },
        { type: "line", shape: { x1: high[0], y1: high[1] - half, x2: high[0], y2: high[1] + half }, style: style },
      ],
    };
  }

  function option(data) {
    var intervals = data.names.map(function (_name, i) {
      return [i, data.low[i], data.high[i]];
    });
    return {
      animation: false,
      tooltip: { trigger: "item", renderMode: "richText" },
      legend: { data: [data.labels.total, data.labels.interval], bottom: 0 },
      grid: { left: 8, right: 24, top: 8, bottom: 40, containLabel: true },
      xAxis: { type: "value", min: 0, max: 100 },
      yAxis: { type: "category", data: data.names, inverse: true },
      series: [
        {
          name: data.labels.total,
          type: "bar",
          data: data.total,
          itemStyle: { color: "#9ecae1" },
          label: { show: true, position: "insideLeft", formatter: "{c}" },
        },
        {
          name: data.labels.interval,
          type: "custom",
          renderItem: whisker,
          encode: { x: [1, 2], y: 0 },
          data: intervals,
          z: 10,
        },
      ],
    };
  }

  function draw(el) {
    var source = document.getElementById(el.dataset.source);
    if (!source || typeof echarts === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    el.style.width = "100%";
    el.style.height = 60 + 36 * data.names.length + "px";
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option(data));
    window.addEventListener("resize", function () {
      chart.resize();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart=results]").forEach(draw);
  });
})();
