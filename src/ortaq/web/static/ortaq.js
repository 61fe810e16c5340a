// The newsroom's own script (the pages' Content-Security-Policy allows no inline script):
// embargo countdowns, and the review form's claim picked by selecting text. Everything
// works without it (the quote can be typed); it only keeps the clock moving.
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

// The review form: a selection inside the item's text becomes the quote and its offsets,
// counted in code points as the server counts them (Python's str).
function pickClaim() {
  const source = document.getElementById("claim-source");
  const quote = document.getElementById("claim-quote");
  if (!source || !quote) return;
  const start = document.getElementById("claim-start");
  const end = document.getElementById("claim-end");
  document.addEventListener("selectionchange", () => {
    const selection = document.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
    const range = selection.getRangeAt(0);
    if (!source.contains(range.startContainer) || !source.contains(range.endContainer)) return;
    const before = document.createRange();
    before.setStart(source, 0);
    before.setEnd(range.startContainer, range.startOffset);
    const first = Array.from(before.toString()).length;
    const picked = range.toString();
    quote.value = picked;
    start.value = String(first);
    end.value = String(first + Array.from(picked).length);
  });
  quote.addEventListener("input", () => { start.value = ""; end.value = ""; });
}

document.addEventListener("DOMContentLoaded", pickClaim);
