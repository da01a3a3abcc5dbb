// Polls the staff-only progress endpoint of an import batch and updates the bar; reloads when done.
(function () {
  "use strict";
  var box = document.getElementById("import-progress-box");
  if (!box) { return; }
  var bar = document.getElementById("import-progress");
  var text = document.getElementById("import-progress-text");
  var status = document.getElementById("import-status");
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) {
        if (!data.running) { window.location.reload(); return; }
        if (data.percent !== null) { bar.value = data.percent; } else { bar.removeAttribute("value"); }
        text.textContent = data.text;
        status.textContent = data.status_label;
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
