// Draws the statistics charts from the figures embedded as JSON (no inline script).
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("chart-data");
    if (!source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var blue = "rgba(31, 95, 168, 0.75)", red = "rgba(192, 57, 43, 0.75)";
    var palette = ["#1f5fa8", "#c0392b", "#27ae60", "#8e44ad", "#d68910", "#16a085", "#7f8c8d"];
    new Chart(document.getElementById("chart-years"), {
      type: "bar",
      data: { labels: data.years, datasets: [
        { label: "会费", backgroundColor: blue, data: data.fees },
        { label: "发放救助金", backgroundColor: red, data: data.benefits }
      ] },
      options: { animation: false, responsive: true }
    });
    new Chart(document.getElementById("chart-types"), {
      type: "doughnut",
      data: { labels: data.types, datasets: [{ data: data.type_amounts, backgroundColor: palette }] },
      options: { animation: false, responsive: true }
    });
    new Chart(document.getElementById("chart-quota"), {
      type: "bar",
      data: { labels: data.periods, datasets: [
        { label: "有效名额", backgroundColor: "rgba(127, 140, 141, 0.6)", data: data.quota },
        { label: "已发放", backgroundColor: blue, data: data.granted }
      ] },
      options: { animation: false, responsive: true }
    });
    document.body.setAttribute("data-charts", "drawn");
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
