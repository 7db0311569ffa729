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

// A form sent is not sent again while its answer is on its way: a double click on 保存 or 提交申请
// sent it twice (a unit registered, then refused as already registered; two claims). The lock
// ends when the page is shown again (the back button) or after 15 seconds, for an answer that
// is a download and leaves the page in place, or one that never came. htmx forms are left to
// htmx; a form marked data-repeatable is never locked.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (event.defaultPrevented || (form.getAttribute("method") || "").toLowerCase() !== "post" ||
      form.hasAttribute("hx-post") || form.hasAttribute("data-repeatable")) { return; }
  if (form.dataset.sending) { event.preventDefault(); return; }
  form.dataset.sending = "1";
  form.setAttribute("aria-busy", "true");
  setTimeout(function () { unlock(form); }, 15000);
});
function unlock(form) { delete form.dataset.sending; form.removeAttribute("aria-busy"); }
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-sending]").forEach(unlock);
});

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

// The idle timeout (HUZHU_SESSION_IDLE_MINUTES, 30 by default) ends a session in which the
// browser sent nothing, and typing into a form sends nothing: a claim form filled for longer
// was lost when submitted, the login taking its place. Typing now tells the server (at most once
// a minute); before the session ends a notice at the bottom offers to stay signed in, and once
// it has ended the notice says so, before anything is submitted in vain. The server has the
// last word (another tab may have moved the expiry on): near the end the page asks it, without
// moving the expiry on (X-Huzhu-Background).
(function () {
  var body = document.body;
  var url = body && body.dataset.sessionUrl;
  var idle = Number((body && body.dataset.idleSeconds) || 0) * 1000;
  var box = document.getElementById("session-warning");
  if (!url || !idle || !box) { return; }
  var warnAhead = Math.min(5 * 60 * 1000, idle / 5);
  var typedEvery = Math.min(60 * 1000, idle / 10);
  var ends = Date.now() + idle;  // this page's request moved the expiry on
  var told = Date.now();
  var ended = false;

  function show() {
    var left = ends - Date.now();
    var text = box.querySelector(".text");
    if (left <= 0) {
      ended = true;
      text.textContent = "因长时间未操作，登录已超时，本页尚未提交的内容已无法提交。请先记下需要保留的内容，再重新登录。";
      box.querySelector("[data-stay]").hidden = true;
      box.querySelector("[data-relogin]").hidden = false;
      box.hidden = false;
    } else if (left <= warnAhead) {
      text.textContent = "您已较长时间未操作，约 " + Math.max(1, Math.ceil(left / 60000)) +
        " 分钟后将自动退出登录，届时本页尚未提交的内容将无法提交。";
      box.hidden = false;
    } else {
      box.hidden = true;
    }
  }
  function ask(background) {
    var headers = background ? { "X-Huzhu-Background": "1" } : {};
    return fetch(url, { credentials: "same-origin", cache: "no-store", headers: headers })
      .then(function (response) { return response.json(); })
      .then(function (answer) { ends = Date.now() + answer.remaining * 1000; show(); })
      .catch(function () { /* network down: the next tick asks again */ });
  }
  document.addEventListener("input", function () {
    if (!ended && Date.now() - told >= typedEvery) { told = Date.now(); ask(false); }
  });
  box.querySelector("[data-stay]").addEventListener("click", function () { told = Date.now(); ask(false); });
  document.addEventListener("htmx:afterRequest", function (event) {
    var headers = (event.detail.requestConfig && event.detail.requestConfig.headers) || {};
    if (!ended && event.detail.xhr && event.detail.xhr.status && !headers["X-Huzhu-Background"]) {
      ends = Date.now() + idle;  // a search, a check: activity, as the server counts it
      show();
    }
  });
  setInterval(function () {
    if (!ended && ends - Date.now() <= warnAhead) { ask(true); }
  }, 15000);
})();
