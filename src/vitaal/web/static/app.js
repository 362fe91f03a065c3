// vitaal web app: the only script a page loads (served by the app; no inline script).
// A page that shows a running job polls its progress and reloads when the job ends.
"use strict";
(function () {
  const box = document.querySelector("[data-job]");
  if (!box) return;
  const id = box.getAttribute("data-job");
  const bar = box.querySelector("progress");
  const phase = box.querySelector("[data-phase]");
  const done = box.querySelector("[data-done]");
  const total = box.querySelector("[data-total]");
  async function poll() {
    try {
      const r = await fetch("/api/jobs/" + encodeURIComponent(id), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!r.ok) return void setTimeout(poll, 3000);
      const j = (await r.json()).job;
      if (j.status === "done" || j.status === "failed") return void location.reload();
      phase.textContent = j.phase || phase.textContent;
      done.textContent = j.done;
      total.textContent = j.total;
      bar.max = Math.max(j.total, 1);
      bar.value = j.done;
    } catch (e) {
      /* the server restarts: try again */
    }
    setTimeout(poll, 1000);
  }
  setTimeout(poll, 500);
})();
