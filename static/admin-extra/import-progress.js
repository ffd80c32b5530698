// An import's page in the admin: asks for the import's status every second and moves
// the bar; once the import has finished, loads the page again for its report.
// (A file, not an inline script: the site's Content-Security-Policy allows only these.)
(function () {
  "use strict";
  var box = document.querySelector("[data-import-status]");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-import-status");
  var bar = box.querySelector("progress");
  var state = box.querySelector("[data-import-state]");
  var text = box.querySelector("[data-import-progress]");

  function show(status) {
    state.textContent = status.state_label;
    text.textContent = status.progress_text;
    if (status.percent === null) {
      bar.removeAttribute("value");
    } else {
      bar.value = status.percent;
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (status) {
        if (status.finished) {
          window.location.reload();
          return;
        }
        show(status);
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        // The server restarting, say: ask again, less often.
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 1000);
})();
