// Rewards: the rewards query's filters, newest first, cursor paging, and live updates on the first page.

import { gql } from "../api.js";
import * as documents from "../documents.js";
import { badge, h, loading, replace } from "../dom.js";
import { money, timeElement, words } from "../format.js";
import { LiveSubscription } from "../live.js";

const PAGE_SIZE = 25;
const KINDS = ["GRANT", "DRAW", "COUPON", "RED_PACKET", "LOTTERY_TICKET"];
const STATUSES = ["REQUESTED", "PENDING", "ISSUED", "CLAIMED", "FAILED", "NOT_WON", "EXPIRED", "REFUNDED", "VOIDED",
  "UNKNOWN", "NEEDS_ATTENTION"];
const TEXT_FILTERS = ["kind", "status", "provider", "campaignId", "memberId"];
const TIME_FILTERS = ["createdAfter", "createdBefore"];

export async function renderRewards(main, params) {
  const filter = filterOf(params);
  const after = params.get("after");
  replace(main, h("h1", {}, "Rewards"), loading());
  const [data, campaigns] = await Promise.all([
    gql(documents.Rewards, { first: PAGE_SIZE, after, filter }),
    gql(documents.CampaignOptions),
  ]);
  const rewards = data.rewards;
  const total = h("span", { id: "rewards-total" }, String(rewards.totalCount));
  const liveStatus = h("span", { id: "live-status", class: "live live-connecting", role: "status" }, "connecting…");
  const rows = h("tbody", {}, rewards.nodes.map(rewardRow));
  const emptyRow = h("tr", { class: "empty-row" },
    h("td", { colspan: REWARD_COLUMNS.length, class: "empty" }, "No rewards match."));
  if (!rewards.nodes.length) rows.append(emptyRow);

  let subscription = null;
  const reconnect = h("button", { type: "button", id: "reconnect", onclick: () => subscription?.drop() }, "Reconnect");
  replace(main,
    h("h1", {}, "Rewards"),
    filterForm(params, campaigns.campaigns.nodes),
    h("p", { class: "list-meta" }, total, " matching · newest first · ",
      after ? "live updates show on the first page" : liveStatus, " ", after ? null : reconnect),
    rewardTable(rows, { id: "rewards-table" }),
    pager(params, rewards.pageInfo));

  if (after) return null; // a later page stays as it was loaded: new rewards go on top of the first
  subscription = new LiveSubscription({
    query: documents.RewardUpdates, variables: { filter }, field: "rewardUpdated",
    after: data.events.totalCount, // the tenant's last event sequence when the page was read
    onData: (update) => {
      emptyRow.remove();
      const row = rewardRow(update.reward);
      const existing = rows.querySelector(`tr[data-reward="${CSS.escape(update.reward.id)}"]`);
      row.classList.add("changed");
      if (existing) existing.replaceWith(row);
      else {
        rows.prepend(row);
        total.textContent = String(Number(total.textContent) + 1);
      }
    },
    onStatus: (state, detail) => {
      liveStatus.className = `live live-${state}`;
      liveStatus.textContent = state === "live" ? "● live" : detail ? `${state}: ${detail}` : `${state}…`;
    },
  }).start();
  return () => subscription.stop();
}

function filterOf(params) {
  const filter = {};
  for (const name of TEXT_FILTERS) if (params.get(name)) filter[name] = params.get(name);
  for (const name of TIME_FILTERS) if (params.get(name)) filter[name] = new Date(params.get(name)).toISOString();
  return filter;
}

const REWARD_COLUMNS = ["Created", "Kind", "Status", "Member", "Amount", "Provider", "Campaign", ""];

// The rewards table around a <tbody> of rewardRow()s (here and on the attention view).
export function rewardTable(body, attributes = {}) {
  return h("div", { class: "table-wrap" }, h("table", attributes,
    h("thead", {}, h("tr", {}, REWARD_COLUMNS.map((header) => h("th", { scope: "col" }, header)))),
    body));
}

export function rewardRow(reward) {
  return h("tr", { "data-reward": reward.id, "data-status": reward.status },
    h("td", {}, timeElement(reward.createdAt, { beijing: reward.provider !== null })),
    h("td", {}, words(reward.kind)),
    h("td", {}, badge(words(reward.status), reward.status)),
    h("td", {}, reward.memberId || "—"),
    h("td", { class: "num" }, money(reward.amount)),
    h("td", {}, reward.provider ?? "—"),
    h("td", {}, reward.campaign?.name ?? "—"),
    h("td", {}, h("a", { href: `#/rewards/${encodeURIComponent(reward.id)}`, "aria-label": `Open reward ${reward.id}` },
      "Open")));
}

function filterForm(params, campaigns) {
  const select = (name, label, values, labels = values.map(words)) => h("label", {}, label,
    h("select", { name },
      h("option", { value: "" }, "any"),
      values.map((value, index) => h("option", { value, selected: params.get(name) === value }, labels[index]))));
  const text = (name, label, type = "text") => h("label", {}, label,
    h("input", { name, type, value: params.get(name) ?? "", maxlength: 64 }));
  const form = h("form", { class: "filters", role: "search", "aria-label": "Filter rewards",
    onsubmit: (event) => {
      event.preventDefault();
      const chosen = new URLSearchParams();
      for (const [name, value] of new FormData(form)) if (value) chosen.set(name, value);
      location.hash = `#/rewards${chosen.size ? `?${chosen}` : ""}`;
    } },
    select("kind", "Kind", KINDS),
    select("status", "Status", STATUSES),
    text("provider", "Provider"),
    select("campaignId", "Campaign", campaigns.map((c) => c.id), campaigns.map((c) => c.name)),
    text("memberId", "Member"),
    text("createdAfter", "Created after", "datetime-local"),
    text("createdBefore", "Created before", "datetime-local"),
    h("div", { class: "filter-buttons" },
      h("button", { type: "submit", class: "primary" }, "Filter"),
      h("a", { href: "#/rewards", class: "button" }, "Clear")));
  return form;
}

function pager(params, pageInfo) {
  const next = new URLSearchParams(params);
  next.set("after", pageInfo.endCursor ?? "");
  const first = new URLSearchParams(params);
  first.delete("after");
  return h("nav", { class: "pager", "aria-label": "Pages" },
    params.get("after") ? h("a", { href: `#/rewards?${first}`, class: "button" }, "First page") : null,
    pageInfo.hasNextPage ? h("a", { href: `#/rewards?${next}`, class: "button", id: "next-page" }, "Next page") : null);
}
