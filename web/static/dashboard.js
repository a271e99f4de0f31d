// KAM dashboard charts. The server passes each chart's data, labels already in the page's
// language, as JSON in the data-chart attribute of its container (the CSP allows no inline
// script); this file draws them with the vendored Apache ECharts. Tooltips render as rich text
// inside the canvas, because ECharts' HTML tooltips carry inline styles the CSP refuses.
(function () {
  "use strict";
  function yuan(v) {
    return "¥" + Number(v).toLocaleString(document.documentElement.lang || "zh-CN", { maximumFractionDigits: 0 });
  }
  function base(d) {
    return {
      animation: false,
      grid: { left: 70, right: 60, top: 40, bottom: 40 },
      tooltip: { trigger: "axis", renderMode: "richText" },
      xAxis: { type: "category", name: d.labels.X, nameLocation: "middle", nameGap: 26, data: d.ranks }
    };
  }
  function pareto(d) {
    var o = base(d);
    o.legend = { data: [d.labels.Series, d.labels.Series2], top: 6 };
    o.yAxis = [
      { type: "value", name: d.labels.Y, axisLabel: { formatter: yuan } },
      { type: "value", name: d.labels.Y2, min: 0, max: 100, axisLabel: { formatter: "{value}%" } }
    ];
    o.series = [
      { name: d.labels.Series, type: "bar", data: d.revenue, large: d.ranks.length > 500 },
      {
        name: d.labels.Series2, type: "line", yAxisIndex: 1, data: d.cumulative, showSymbol: false,
        markLine: {
          symbol: "none", silent: true, lineStyle: { type: "dashed", color: "#b42318" },
          label: { formatter: d.labels.Mark, position: "insideEndTop" },
          data: [{ yAxis: d.threshold }]
        }
      }
    ];
    return o;
  }
  function whale(d) {
    var o = base(d);
    o.yAxis = { type: "value", name: d.labels.Y, axisLabel: { formatter: yuan } };
    var s = { name: d.labels.Series, type: "line", data: d.cumulative, showSymbol: false, areaStyle: { opacity: 0.15 } };
    if (d.peakRank > 0) {
      s.markPoint = {
        symbol: "pin", symbolSize: 44,
        label: { formatter: d.labels.Mark },
        data: [{ coord: [String(d.peakRank), d.peakValue], value: d.peakValue }]
      };
      s.markLine = { symbol: "none", silent: true, lineStyle: { type: "dashed" }, data: [{ xAxis: String(d.peakRank) }] };
    }
    o.series = [s];
    return o;
  }
  function init() {
    if (!window.echarts) { return; }
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var d;
      try { d = JSON.parse(el.dataset.chart); } catch (e) { return; }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(el.dataset.kind === "whale" ? whale(d) : pareto(d));
      el.dataset.rendered = "true";
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
