// Draws the statistics charts from the figures embedded as JSON (no inline script). The
// since-inception part arrives later as an htmx fragment with its own JSON block.
(function () {
  "use strict";
  var blue = "rgba(31, 95, 168, 0.75)", red = "rgba(192, 57, 43, 0.75)";
  var palette = ["#1f5fa8", "#c0392b", "#27ae60", "#8e44ad", "#d68910", "#16a085", "#7f8c8d"];

  if (typeof Chart !== "undefined") { Chart.platform.disableCSSInjection = true; }  // CSP: rules in app.css

  function json(id) {
    var source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }

  function drawYear() {
    var data = json("chart-data");
    if (!data || typeof Chart === "undefined") { return; }
    // a chart with nothing to draw is replaced by a note in the page (no canvas)
    var types = document.getElementById("chart-types"), quota = document.getElementById("chart-quota");
    if (types) {
      new Chart(types, {
        type: "doughnut",
        data: { labels: data.types, datasets: [{ data: data.type_amounts, backgroundColor: palette }] },
        options: { animation: false, responsive: true }
      });
    }
    if (quota) {
      new Chart(quota, {
        type: "bar",
        data: { labels: data.periods, datasets: [
          { label: "有效名额", backgroundColor: "rgba(127, 140, 141, 0.6)", data: data.quota },
          { label: "已发放", backgroundColor: blue, data: data.granted }
        ] },
        options: { animation: false, responsive: true }
      });
    }
    document.body.setAttribute("data-charts", "drawn");
  }

  function drawHistory() {
    var data = json("history-data");
    var canvas = document.getElementById("chart-years");
    if (!data || !canvas || typeof Chart === "undefined") { return; }
    new Chart(canvas, {
      type: "bar",
      data: { labels: data.years, datasets: [
        { label: "会费", backgroundColor: blue, data: data.fees },
        { label: "发放救助金", backgroundColor: red, data: data.benefits }
      ] },
      options: { animation: false, responsive: true }
    });
    document.body.setAttribute("data-history", "drawn");
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail && event.detail.target && event.detail.target.id === "history") { drawHistory(); }
  });
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", drawYear); } else { drawYear(); }
})();
