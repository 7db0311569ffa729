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
