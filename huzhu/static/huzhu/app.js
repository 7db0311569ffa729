// Upload progress for large rosters: htmx reports the bytes sent; the check itself shows the
// busy indicator. No inline scripts (a strict Content-Security-Policy can forbid them).
document.addEventListener("htmx:xhr:progress", function (event) {
  var form = event.target.closest ? event.target.closest("form[data-progress]") : null;
  if (!form || !event.detail.lengthComputable) { return; }
  var bar = document.getElementById(form.dataset.progress);
  if (bar) {
    bar.hidden = false;
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  }
});

// Confirmation before destructive or irreversible steps: data-confirm on a form or a button
// (instead of inline onsubmit/onclick handlers, which the Content-Security-Policy forbids).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var button = event.submitter;
  var text = (button && button.dataset && button.dataset.confirm) || (form.dataset && form.dataset.confirm);
  if (text && !window.confirm(text)) { event.preventDefault(); event.stopImmediatePropagation(); }
}, true);

// A <select data-autosubmit> submits its form when changed (filters).
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("select[data-autosubmit]") && field.form) { field.form.submit(); }
});

// The claim form shows the facts of the chosen claim type only (fields marked data-kinds); a
// hidden field is also disabled, so a value typed before the type changed is not sent.
function showFactsFor(select) {
  var kind = select.value;
  select.form.querySelectorAll("[data-kinds]").forEach(function (input) {
    var hide = input.dataset.kinds.split(" ").indexOf(kind) < 0;
    var box = input.closest(".field") || input;
    box.hidden = hide;
    input.disabled = hide;
  });
}
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("select[name=kind]") && field.form) { showFactsFor(field); }
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[name=kind]").forEach(function (select) {
    if (select.form && select.form.querySelector("[data-kinds]")) { showFactsFor(select); }
  });
});

// A request htmx sent that failed (the server refused it or erred, or the network is down)
// changes nothing on the page by itself: say so above the content, until a request succeeds.
// (Form errors come back as 422 and are shown in place: see htmx-config in base.html.)
function requestFailed(event, text) {
  var box = document.getElementById("request-error");
  var headers = (event.detail.requestConfig && event.detail.requestConfig.headers) || {};
  // the quota board's polling is no step of the user's: it is the page that did not update
  var what = headers["X-Huzhu-Background"] ? "本页未能更新：" : "操作未完成：";
  if (box) { box.textContent = what + text; box.hidden = false; }
}
document.addEventListener("htmx:responseError", function (event) {
  var status = event.detail.xhr.status;
  var text = "请求未被接受（" + status + "）。请刷新页面后重试。";
  if (status === 403) { text = "没有权限，或页面已过期。请刷新页面后重试。"; }
  if (status === 404) { text = "要找的内容不存在或已被删除。请刷新页面。"; }
  if (status === 413) { text = "文件太大。"; }
  if (status >= 500) { text = "服务器出错。请稍后重试；一再出现请联系互济会。"; }
  requestFailed(event, text);
});
document.addEventListener("htmx:sendError", function (event) {
  requestFailed(event, "网络连接失败。请检查网络后重试。");
});
document.addEventListener("htmx:afterRequest", function (event) {
  var box = document.getElementById("request-error");
  if (box && event.detail.successful) { box.hidden = true; }
});
