// One reward: what it is, its transfers, the provider's references, its event timeline, and the actions the
// signed-in role may take (the server decides; a refusal shows its code and message).

import { gql, mutate, session } from "../api.js";
import { flash, openDialog } from "../dialogs.js";
import * as documents from "../documents.js";
import { badge, h, idempotencyKey, loading, replace, table } from "../dom.js";
import { json, money, timeElement, words } from "../format.js";

export async function renderReward(main, _params, id) {
  replace(main, h("h1", {}, "Reward"), loading());
  const { reward } = await gql(documents.Reward, { id });
  if (!reward) {
    replace(main, h("h1", {}, "Reward"), h("p", { class: "empty" }, "No such reward (or not yours)."));
    return null;
  }
  const reload = () => renderReward(main, _params, id);
  const fromProvider = reward.provider !== null;
  replace(main,
    h("p", {}, h("a", { href: "#/rewards" }, "← Rewards")),
    h("h1", {}, `${words(reward.kind)} ${money(reward.amount)} `, badge(words(reward.status), reward.status)),
    summary(reward, fromProvider),
    actions(reward, reload),
    h("section", { "aria-labelledby": "transfers-heading" },
      h("h2", { id: "transfers-heading" }, "Transfers"),
      transfers(reward, reload)),
    h("section", { "aria-labelledby": "refs-heading" },
      h("h2", { id: "refs-heading" }, "Provider references"),
      references(reward.providerRefs),
      Object.keys(reward.details ?? {}).length
        ? h("details", {}, h("summary", {}, "Provider details"), h("pre", {}, json(reward.details)))
        : null),
    h("section", { "aria-labelledby": "timeline-heading" },
      h("h2", { id: "timeline-heading" }, "Timeline"),
      timeline(reward.events)));
  return null;
}

function summary(reward, fromProvider) {
  const item = (term, value) => [h("dt", {}, term), h("dd", {}, value)];
  return h("dl", { class: "summary" },
    item("Member", reward.memberId || "—"),
    item("Provider", reward.provider ?? "none (a grant)"),
    item("Campaign", reward.campaign?.name ?? "—"),
    item("Created", timeElement(reward.createdAt, { beijing: fromProvider })),
    item("Updated", timeElement(reward.updatedAt, { beijing: fromProvider })),
    fromProvider ? item("Times the provider was asked", String(reward.syncAttempts)) : null,
    reward.nextSyncAt ? item("Next sync", timeElement(reward.nextSyncAt)) : null,
    reward.attentionReason ? item("Why it needs a person", h("span", { class: "reason" }, reward.attentionReason)) : null,
    reward.resolution
      ? item("Resolved", `${words(reward.resolution.resolution)} · ${reward.resolution.note}` +
        (reward.resolution.amount ? ` · ${money(reward.resolution.amount)}` : ""))
      : null);
}

function actions(reward, reload) {
  if (!session.atLeast("OPERATOR")) return null; // a viewer reads; it has nothing to press
  const buttons = [];
  if (reward.provider !== null) {
    buttons.push(h("button", { type: "button", id: "action-sync", onclick: () => sync(reward, reload) },
      "Ask the provider (sync)"));
  }
  const held = reward.transfers.find((transfer) => transfer.state === "PENDING");
  if (reward.provider === null && held) {
    buttons.push(h("button", { type: "button", id: "action-post", onclick: () => settle(reward, held, "POST", reload) },
      "Post"));
    buttons.push(h("button", { type: "button", id: "action-void", class: "danger",
      onclick: () => settle(reward, held, "VOID", reload) }, "Void"));
  }
  if (reward.status === "NEEDS_ATTENTION" && session.atLeast("ADMIN")) {
    buttons.push(h("button", { type: "button", id: "action-resolve", onclick: () => resolve(reward, reload) },
      "Resolve (pay or void)"));
  }
  return buttons.length ? h("div", { class: "actions", role: "group", "aria-label": "Actions" }, buttons) : null;
}

async function sync(reward, reload) {
  openDialog({
    title: "Ask the provider",
    content: h("p", {}, `The provider is asked about this reward now and its answer recorded.`),
    confirmLabel: "Sync",
    onConfirm: async () => {
      const payload = await mutate(documents.SyncReward, { rewardId: reward.id }, "syncReward");
      flash(`The provider's answer: ${words(payload.reward.status)}.`);
      await reload();
    },
  });
}

function settle(reward, held, action, reload) {
  const amount = h("input", { name: "amount", type: "number", min: 1, step: 1, max: held.amount.amount,
    placeholder: held.amount.amount, inputmode: "numeric" });
  openDialog({
    title: action === "POST" ? "Post the held amount" : "Void the hold",
    content: action === "POST"
      ? [h("p", {}, `Posts ${money(held.amount)} from ${account(held.debitAccount)} to ${account(held.creditAccount)}.`),
        h("label", {}, "Post part of it (minor units; empty posts all)", amount)]
      : h("p", {}, `Voids the hold of ${money(held.amount)}: it goes back to ${account(held.debitAccount)}.`),
    confirmLabel: action === "POST" ? "Post" : "Void",
    danger: action === "VOID",
    onConfirm: async (form) => {
      const input = { rewardId: reward.id, action, idempotencyKey: idempotencyKey(`settle-${action}`) };
      if (action === "POST" && form.get("amount")) input.amount = String(form.get("amount"));
      await mutate(documents.SettleReward, input, "settleReward");
      flash(action === "POST" ? "Posted." : "Voided.");
      await reload();
    },
  });
}

function resolve(reward, reload) {
  openDialog({
    title: "Resolve this reward",
    content: [
      h("p", {}, reward.attentionReason ?? ""),
      h("fieldset", {}, h("legend", {}, "Resolution"),
        h("label", {}, h("input", { type: "radio", name: "resolution", value: "PAY", required: true }),
          ` Pay ${money(reward.amount)} to ${reward.memberId}`),
        h("label", {}, h("input", { type: "radio", name: "resolution", value: "VOID" }), " Void: nothing is paid")),
      h("label", {}, "Amount to pay (minor units; empty: the amount stated)",
        h("input", { name: "amount", type: "number", min: 1, step: 1 })),
      h("label", {}, "Note (required: why)", h("textarea", { name: "note", required: true, maxlength: 500 })),
    ],
    confirmLabel: "Resolve",
    onConfirm: async (form) => {
      const input = { rewardId: reward.id, resolution: form.get("resolution"), note: form.get("note"),
        idempotencyKey: idempotencyKey("resolve-reward") };
      if (form.get("amount")) input.amount = String(form.get("amount"));
      await mutate(documents.ResolveReward, input, "resolveReward");
      flash("Resolved.");
      await reload();
    },
  });
}

function reverse(transfer, reload) {
  openDialog({
    title: "Reverse this transfer",
    content: h("p", {}, `A new transfer moves ${money(transfer.postedAmount ?? transfer.amount)} back from ` +
      `${account(transfer.creditAccount)} to ${account(transfer.debitAccount)}. The original stays as it is.`),
    confirmLabel: "Reverse",
    danger: true,
    onConfirm: async () => {
      await mutate(documents.ReverseTransfer, { transferId: transfer.id, idempotencyKey: idempotencyKey("reverse") },
        "reverseTransfer");
      flash("Reversed.");
      await reload();
    },
  });
}

export function account(side) {
  const owner = side.memberId ? ` ${side.memberId}` : "";
  return `${words(side.kind)}${owner} (${side.asset})`;
}

function transfers(reward, reload) {
  const canReverse = session.atLeast("OPERATOR");
  return table(["State", "Debit", "Credit", "Amount", "Posted", "Created", "Resolved", ""], reward.transfers.map(
    (transfer) => h("tr", { "data-transfer": transfer.id },
      h("td", {}, badge(words(transfer.state), transfer.state), transfer.reverses ? " (a reversal)" : ""),
      h("td", {}, account(transfer.debitAccount)),
      h("td", {}, account(transfer.creditAccount)),
      h("td", { class: "num" }, money(transfer.amount)),
      h("td", { class: "num" }, money(transfer.postedAmount)),
      h("td", {}, timeElement(transfer.createdAt)),
      h("td", {}, timeElement(transfer.resolvedAt)),
      h("td", {}, canReverse && transfer.state === "POSTED" && !transfer.reverses
        ? h("button", { type: "button", class: "small", onclick: () => reverse(transfer, reload) }, "Reverse")
        : null))), { empty: "No transfers: nothing has moved for this reward." });
}

function references(refs) {
  const entries = Object.entries(refs ?? {});
  if (!entries.length) return h("p", { class: "empty" }, "None.");
  return h("dl", { class: "summary refs" }, entries.map(([name, value]) => [
    h("dt", {}, name), h("dd", { class: "mono" }, typeof value === "string" ? value : JSON.stringify(value))]));
}

function timeline(events) {
  if (!events.length) return h("p", { class: "empty" }, "No events.");
  return h("ol", { class: "timeline" }, events.map((event) => h("li", { "data-sequence": event.sequence },
    h("span", { class: "sequence" }, `#${event.sequence}`), " ",
    h("strong", {}, event.type), " ",
    timeElement(event.createdAt),
    Object.keys(event.data ?? {}).length ? h("pre", { class: "event-data" }, json(event.data)) : null)));
}
