// The newsroom's own script (the pages' Content-Security-Policy allows no inline script):
// embargo countdowns. Everything works without it; it only keeps the clock moving.
"use strict";

function tick(element) {
  const until = Date.parse(element.dataset.until);
  const left = Math.max(0, Math.floor((until - Date.now()) / 1000));
  const days = Math.floor(left / 86400);
  const hours = Math.floor((left % 86400) / 3600);
  const minutes = Math.floor((left % 3600) / 60);
  const seconds = left % 60;
  const clock = [hours, minutes, seconds].map((n) => String(n).padStart(2, "0")).join(":");
  element.textContent = days > 0 ? `${days} · ${clock}` : clock;
}

function startCountdowns(root) {
  for (const element of root.querySelectorAll("[data-countdown]")) {
    tick(element);
    if (!element.dataset.ticking) {
      element.dataset.ticking = "1";
      setInterval(() => tick(element), 1000);
    }
  }
}

document.addEventListener("DOMContentLoaded", () => startCountdowns(document));
document.addEventListener("htmx:afterSwap", (event) => startCountdowns(event.target));
