// Confirming an action: a modal <dialog> (focus stays inside, Escape cancels) that runs the action, shows the
// server's code and message if it is refused, and closes only once it is done.

import { errorBox, h, loading, replace } from "./dom.js";

export function openDialog({ title, content, confirmLabel = "Confirm", onConfirm, danger = false }) {
  const status = h("div", { class: "dialog-status", role: "status", "aria-live": "polite" });
  const confirm = h("button", { type: "submit", class: danger ? "danger" : "primary" }, confirmLabel);
  const dialog = h("dialog", { "aria-labelledby": "dialog-title" });
  const form = h("form", {
    onsubmit: async (event) => {
      event.preventDefault();
      if (!form.reportValidity()) return;
      confirm.disabled = true;
      replace(status, loading("Working…"));
      try {
        await onConfirm(new FormData(form));
        dialog.close();
      } catch (error) {
        replace(status, errorBox(error));
        confirm.disabled = false;
      }
    },
  },
    h("h2", { id: "dialog-title" }, title),
    content,
    status,
    h("div", { class: "dialog-buttons" },
      h("button", { type: "button", onclick: () => dialog.close() }, "Cancel"),
      confirm));
  dialog.append(form);
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, form, confirm, status };
}

// A line above the view saying what just happened (announced to screen readers).
export function flash(text) {
  const region = document.getElementById("flash") ?? document.body.appendChild(
    h("div", { id: "flash", role: "status", "aria-live": "polite" }));
  replace(region, h("p", { class: "notice" }, text));
  setTimeout(() => region.replaceChildren(), 8000);
}
