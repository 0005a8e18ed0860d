// Attention: what only a person can settle. NEEDS_ATTENTION rewards, UNKNOWN ones the sync job has not settled
// for a while, and open discrepancies with both sides' evidence; resolving one shows the transfer it will make.

import { ApiError, gql, mutate, session } from "../api.js";
import { flash, openDialog } from "../dialogs.js";
import * as documents from "../documents.js";
import { badge, errorBox, h, idempotencyKey, loading, replace } from "../dom.js";
import { beijingDay, json, money, timeElement, words } from "../format.js";
import { account } from "./reward.js";
import { rewardRow, rewardTable } from "./rewards.js";

const OLD_UNKNOWN_MINUTES = 30;
const RESOLUTIONS = {
  ACCEPT_PROVIDER: "Accept the provider's record: the ledger is made to agree",
  ACCEPT_LEDGER: "Accept the ledger: nothing moves",
  WRITE_OFF: "Write off the difference",
};

export async function renderAttention(main) {
  replace(main, h("h1", {}, "Attention"), loading());
  const before = new Date(Date.now() - OLD_UNKNOWN_MINUTES * 60_000).toISOString();
  const rewards = await gql(documents.AttentionRewards, { before });
  const discrepancies = session.atLeast("OPERATOR") ? (await gql(documents.OpenDiscrepancies)).discrepancies : null;
  const reload = () => renderAttention(main);
  replace(main,
    h("h1", {}, "Attention"),
    rewardSection("needs-attention", "Rewards that need a person", rewards.needsAttention,
      "Nothing needs a person."),
    rewardSection("old-unknown", `Rewards still unknown after ${OLD_UNKNOWN_MINUTES} minutes`, rewards.oldUnknown,
      "No reward has been unknown that long."),
    h("section", { "aria-labelledby": "discrepancies-heading", id: "discrepancies" },
      h("h2", { id: "discrepancies-heading" }, "Open discrepancies"),
      discrepancies === null
        ? h("p", { class: "empty" }, "Discrepancies are shown to operators and admins.")
        : discrepancyList(discrepancies, reload)));
}

function rewardSection(id, title, connection, empty) {
  const rows = connection.nodes.map((reward) => [
    rewardRow(reward),
    reward.attentionReason
      ? h("tr", { class: "reason-row" }, h("td", { colspan: 8 }, h("span", { class: "reason" }, reward.attentionReason)))
      : null,
  ]);
  return h("section", { "aria-labelledby": `${id}-heading`, id },
    h("h2", { id: `${id}-heading` }, `${title} (${connection.totalCount})`),
    rewardTable(h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: 8, class: "empty" }, empty)))));
}

function discrepancyList(connection, reload) {
  if (!connection.nodes.length) return h("p", { class: "empty" }, "No open discrepancies.");
  return h("div", { class: "discrepancies" }, connection.nodes.map((discrepancy) => h("article", {
    class: "discrepancy", "data-discrepancy": discrepancy.id, "aria-label": `${words(discrepancy.kind)} ${discrepancy.reference}` },
  h("header", {},
    badge(words(discrepancy.kind), discrepancy.kind), " ",
    h("strong", {}, discrepancy.provider), " · ", beijingDay(discrepancy.date), " · ",
    h("span", { class: "mono" }, discrepancy.reference)),
  h("div", { class: "sides" },
    side("Ledger", discrepancy.ledgerAmount, discrepancy.ledgerStatus, discrepancy.evidence?.ledger,
      discrepancy.reward ? h("a", { href: `#/rewards/${encodeURIComponent(discrepancy.reward.id)}` }, "Open the reward") : null),
    side("Provider", discrepancy.providerAmount, discrepancy.providerStatus, discrepancy.evidence?.provider, null)),
  h("footer", {}, h("span", {}, "Found ", timeElement(discrepancy.createdAt)),
    session.atLeast("ADMIN")
      ? h("button", { type: "button", class: "primary", onclick: () => resolve(discrepancy, reload) }, "Resolve…")
      : null))));
}

function side(title, amount, status, evidence, link) {
  return h("section", { class: "side", "aria-label": title },
    h("h3", {}, title),
    h("dl", { class: "summary" },
      h("dt", {}, "Amount"), h("dd", {}, money(amount)),
      h("dt", {}, "Status"), h("dd", {}, status ?? "—")),
    evidence ? h("pre", { class: "evidence" }, json(evidence)) : null,
    link);
}

function resolve(discrepancy, reload) {
  const preview = h("div", { id: "resolution-preview", class: "preview", role: "status", "aria-live": "polite" },
    "Choose a resolution to see what it will do.");
  let refused = true;
  const choices = Object.entries(RESOLUTIONS).map(([value, label]) => h("label", {},
    h("input", { type: "radio", name: "resolution", value, required: true,
      onchange: () => showPreview(discrepancy, value, preview).then((ok) => { refused = !ok; opened.confirm.disabled = refused; }) }),
    ` ${label}`));
  const opened = openDialog({
    title: `Resolve: ${words(discrepancy.kind)} ${discrepancy.reference}`,
    content: [
      h("fieldset", {}, h("legend", {}, "Resolution"), choices),
      preview,
      h("label", {}, "Note (required: what you found)",
        h("textarea", { name: "note", required: true, maxlength: 500, id: "resolution-note" })),
    ],
    confirmLabel: "Resolve",
    onConfirm: async (form) => {
      const note = String(form.get("note") ?? "").trim();
      if (!note) throw new ApiError("INVALID_INPUT", "Say why in the note.");
      const payload = await mutate(documents.ResolveDiscrepancy, { discrepancyId: discrepancy.id,
        resolution: form.get("resolution"), note, idempotencyKey: idempotencyKey("resolve-discrepancy") },
      "resolveDiscrepancy");
      flash(payload.transfer ? `Resolved: ${money(payload.transfer.amount)} moved.` : "Resolved: nothing moved.");
      await reload();
    },
  });
  opened.confirm.disabled = true;
}

async function showPreview(discrepancy, resolution, target) {
  replace(target, loading("Working out what it will do…"));
  try {
    const { node } = await gql(documents.ResolutionPreview, { id: discrepancy.id, resolution });
    const plan = node.resolutionPreview;
    if (plan.refusal) {
      replace(target, errorBox(plan.refusal));
      return false;
    }
    const transfer = plan.transfer;
    replace(target,
      transfer
        ? h("p", { class: "planned-transfer" }, "It will make one transfer: ", h("strong", {}, money(transfer.amount)),
          ` from ${account(transfer.debitAccount)} to ${account(transfer.creditAccount)} (${words(transfer.state)}).`)
        : h("p", { class: "planned-transfer" }, "Nothing will move."),
      plan.rewardStatus ? h("p", {}, "The reward will then be ", badge(words(plan.rewardStatus), plan.rewardStatus), ".") : null);
    return true;
  } catch (error) {
    replace(target, errorBox(error));
    return false;
  }
}
