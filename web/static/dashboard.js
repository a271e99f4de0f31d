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
  // The tier pyramid: the tiers from platinum at the top to lead at the bottom, widths fixed by
  // their place (a pyramid, whatever the counts), each labelled with its customers and revenue.
  function pyramid(d) {
    return {
      animation: false,
      tooltip: { trigger: "item", renderMode: "richText", formatter: function (p) { return p.data.label; } },
      series: [{
        type: "funnel", sort: "ascending", left: "10%", width: "80%", top: 20, bottom: 20, gap: 2,
        minSize: "25%", maxSize: "100%", label: { position: "inside", formatter: function (p) { return p.data.label; } },
        data: d.tiers.map(function (t, i) {
          return { name: t.name, value: i + 1, label: t.label, url: t.url, itemStyle: { color: ["#8e9aaf", "#d4a017", "#6b7b8c", "#a3a3a3"][i % 4] } };
        })
      }]
    };
  }
  // The profit-vs-revenue scatter: profit customers and cost customers (a loss after
  // cost-to-serve) as two series; each point is [revenue, profit, customer id, code].
  function scatter(d) {
    var tip = function (p) { return p.data[3] + "\n" + d.labels.X + ": " + yuan(p.data[0]) + "\n" + d.labels.Y + ": " + yuan(p.data[1]); };
    return {
      animation: false,
      grid: { left: 80, right: 30, top: 40, bottom: 50 },
      legend: { data: [d.labels.Series, d.labels.Series2], top: 6 },
      tooltip: { trigger: "item", renderMode: "richText", formatter: tip },
      xAxis: { type: "value", name: d.labels.X, nameLocation: "middle", nameGap: 30, axisLabel: { formatter: yuan } },
      yAxis: { type: "value", name: d.labels.Y, axisLabel: { formatter: yuan } },
      series: [
        { name: d.labels.Series, type: "scatter", data: d.profit, symbolSize: 7, itemStyle: { color: "#2f6db5" }, large: d.profit.length > 2000 },
        {
          name: d.labels.Series2, type: "scatter", data: d.cost, symbolSize: 9, symbol: "diamond", itemStyle: { color: "#b42318" },
          markLine: { symbol: "none", silent: true, lineStyle: { type: "dashed" }, data: [{ yAxis: 0 }] }
        }
      ]
    };
  }
  // The migration heat map: rows the earlier run's classes, columns the later run's; each cell
  // [x, y, customers, revenue, url].
  function heatmap(d) {
    return {
      animation: false,
      grid: { left: 90, right: 20, top: 20, bottom: 80 },
      tooltip: { trigger: "item", renderMode: "richText", formatter: function (p) {
        return d.y[p.data[1]] + " → " + d.x[p.data[0]] + "\n" + d.labels.Series + ": " + p.data[2] + "\n" + yuan(p.data[3]);
      } },
      xAxis: { type: "category", data: d.x, name: d.labels.X, nameLocation: "middle", nameGap: 28 },
      yAxis: { type: "category", data: d.y, name: d.labels.Y, inverse: true },
      visualMap: { min: 0, max: Math.max(d.max, 1), calculable: false, orient: "horizontal", left: "center", bottom: 4,
        inRange: { color: ["#fdf0ee", "#d9604f"] } },
      series: [{ type: "heatmap", data: d.cells, label: { show: true, formatter: function (p) { return p.data[2]; } } }]
    };
  }
  // The portfolio matrix: each bubble [attractiveness, strength, revenue, customer id, code,
  // url of its quadrant's customers], sized by revenue; the cut lines part the four quadrants.
  function bubbles(d) {
    var size = function (v) { return 6 + 34 * Math.sqrt(Math.max(v[2], 0) / Math.max(d.max, 1)); };
    var tip = function (p) {
      return p.data[4] + "\n" + d.labels.X + ": " + p.data[0] + "\n" + d.labels.Y + ": " + p.data[1] + "\n" + yuan(p.data[2]);
    };
    return {
      animation: false,
      grid: { left: 60, right: 30, top: 30, bottom: 50 },
      tooltip: { trigger: "item", renderMode: "richText", formatter: tip },
      xAxis: { type: "value", min: 1, max: 5, name: d.labels.X, nameLocation: "middle", nameGap: 30 },
      yAxis: { type: "value", min: 1, max: 5, name: d.labels.Y },
      series: [{
        type: "scatter", data: d.points, symbolSize: size, itemStyle: { color: "#2f6db5", opacity: 0.6 },
        markLine: { symbol: "none", silent: true, lineStyle: { type: "dashed", color: "#888" }, data: [{ xAxis: d.cut }, { yAxis: d.cut }] },
        markArea: { silent: true, itemStyle: { color: "rgba(0,0,0,0)" }, label: { color: "#666" }, data: [
          [{ name: d.names[0], coord: [d.cut, d.cut] }, { coord: [5, 5] }],
          [{ name: d.names[1], coord: [d.cut, 1] }, { coord: [5, d.cut] }],
          [{ name: d.names[2], coord: [1, d.cut] }, { coord: [d.cut, 5] }],
          [{ name: d.names[3], coord: [1, 1] }, { coord: [d.cut, d.cut] }]
        ] }
      }]
    };
  }
  // Bars of groups (LAMP groups, loyalty types, segments): each bar a group's revenue, with its
  // customers in the tooltip; a bar opens the group's customers.
  function bars(d) {
    return {
      animation: false,
      grid: { left: 80, right: 20, top: 30, bottom: 60 },
      tooltip: { trigger: "item", renderMode: "richText", formatter: function (p) {
        return p.name + "\n" + d.labels.Series + ": " + d.counts[p.dataIndex] + "\n" + d.labels.Y + ": " + yuan(p.value);
      } },
      xAxis: { type: "category", data: d.names, axisLabel: { interval: 0, rotate: d.names.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", name: d.labels.Y, axisLabel: { formatter: yuan } },
      series: [{ type: "bar", data: d.values.map(function (v, i) { return { value: v, url: d.urls[i] }; }), itemStyle: { color: "#2f6db5" } }]
    };
  }
  // The monthly net revenue of the period with its least-squares trend line.
  function months(d) {
    var o = base({ labels: d.labels, ranks: d.months });
    o.legend = { data: [d.labels.Series, d.labels.Series2], top: 6 };
    o.yAxis = { type: "value", name: d.labels.Y, axisLabel: { formatter: yuan } };
    o.series = [
      { name: d.labels.Series, type: "bar", data: d.revenue, itemStyle: { color: "#2f6db5" } },
      { name: d.labels.Series2, type: "line", data: d.trend, showSymbol: false, lineStyle: { type: "dashed", color: "#b42318" } }
    ];
    return o;
  }
  // drill opens the customers behind a clicked point, bar or cell.
  function drill(kind, p) {
    var url = "";
    if (kind === "pyramid" && p.data) { url = p.data.url; }
    if (kind === "scatter" && p.data) { url = "/customers/" + p.data[2]; }
    if (kind === "heatmap" && p.data) { url = p.data[4]; }
    if (kind === "bubbles" && p.data && p.data[5]) { url = p.data[5]; }
    if (kind === "bars" && p.data) { url = p.data.url; }
    if (url) { window.location.href = url; }
  }
  var kinds = { pareto: pareto, whale: whale, pyramid: pyramid, scatter: scatter, heatmap: heatmap, bubbles: bubbles, bars: bars, months: months };
  function init() {
    if (!window.echarts) { return; }
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var d;
      try { d = JSON.parse(el.dataset.chart); } catch (e) { return; }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      var kind = el.dataset.kind;
      chart.setOption((kinds[kind] || pareto)(d));
      chart.on("click", function (p) { drill(kind, p); });
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
